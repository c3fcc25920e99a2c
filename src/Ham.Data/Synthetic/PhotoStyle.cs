namespace Ham.Data.Synthetic;

/// <summary>
/// The "photo" domain: a shaded, lit object on a textured background. A textured backdrop (wood
/// grain, plaster, or a floor-to-wall gradient, from value noise), out-of-focus clutter, a soft
/// drop shadow, the object lit as a dome (Lambert diffuse + Blinn-Phong highlight, darker near its
/// rim), then sensor grain.
/// </summary>
static class PhotoStyle
{
    public static Canvas Draw(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        var canvas = new Canvas(size);
        var top = NamedColours.Background(random, colour, random.Uniform(0.45, 0.75));
        var bottom = top.Jitter(random, 0.12) * random.Uniform(0.6, 0.9);
        var noise = new ValueNoise(random, size, random.Uniform(2, 5), 4);
        int texture = random.Index(3);
        canvas.Paint((x, y) => texture switch
        {
            0 => Rgb.Mix(top, bottom, 0.5 + 0.5 * Math.Sin(x / size * 40 + 6 * noise.At(x * 0.2, y * 3))), // wood grain
            1 => Rgb.Mix(top, bottom, 0.5 + 0.6 * noise.At(x, y)),                                       // plaster
            _ => Rgb.Mix(top, bottom, y / size < 0.6 ? 0.15 * noise.At(x, y) + 0.1 : 0.8 + 0.2 * noise.At(x, y)), // wall and floor
        });
        Clutter.Blobs(canvas, random, random.Index(4) + 1, 0.6, () => NamedColours.Background(random, colour, 0.4));

        double r = shape.Radius;
        var shadow = shape with { CenterX = shape.CenterX + 0.12 * r, CenterY = shape.CenterY + 0.16 * r };
        canvas.Blend((x, y) => 0.5 * Math.Clamp(0.5 - shadow.Distance(x, y) / (0.25 * r), 0, 1), (_, _) => Rgb.Grey(0));

        var light = Normalize(-0.5, -0.6, 0.62);
        var half = Normalize(light.X, light.Y, light.Z + 1);
        var material = colour.Jitter(random, 0.06);
        canvas.Blend((x, y) => Canvas.Coverage(shape.Distance(x, y)), (x, y) =>
        {
            double u = (x - shape.CenterX) / (1.05 * r), v = (y - shape.CenterY) / (1.05 * r);
            var n = Normalize(u, v, Math.Sqrt(Math.Max(0.05, 1 - u * u - v * v)));
            double diffuse = Math.Max(0, n.X * light.X + n.Y * light.Y + n.Z * light.Z);
            double specular = Math.Pow(Math.Max(0, n.X * half.X + n.Y * half.Y + n.Z * half.Z), 30) * 0.5;
            double rim = 0.7 + 0.3 * Math.Clamp(-shape.Distance(x, y) / (0.2 * r), 0, 1);
            return material * ((0.3 + 0.8 * diffuse) * rim) + Rgb.Grey(specular);
        });
        canvas.AddNoise(random, 0.025);
        return canvas;
    }

    static (double X, double Y, double Z) Normalize(double x, double y, double z)
    {
        double n = Math.Sqrt(x * x + y * y + z * z);
        return (x / n, y / n, z / n);
    }
}
