namespace Ham.Data.Synthetic;

/// <summary>
/// The "painting" domain: the scene rebuilt from brush strokes, coarse to fine, in the manner of
/// Hertzmann's painterly rendering (SIGGRAPH 1998): each stroke is a soft capsule whose colour is
/// the reference scene's colour at its centre (slightly off), oriented along a smooth flow field,
/// or along the object's outline near it; then a canvas weave.
/// </summary>
static class PaintingStyle
{
    public static Canvas Draw(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        var wash = NamedColours.Background(random, colour, random.Uniform(0.2, 0.5));
        var wash2 = NamedColours.Background(random, colour, random.Uniform(0.2, 0.5));
        var noise = new ValueNoise(random, size, 3, 3);
        var flow = new ValueNoise(random, size, 2, 2);
        var blobs = Enumerable.Range(0, random.Index(3) + 1)
            .Select(_ => (X: random.Uniform(0, size), Y: random.Uniform(0, size), R: size * random.Uniform(0.08, 0.18), C: NamedColours.Background(random, colour, 0.2)))
            .ToArray();
        var paint = colour.Jitter(random, 0.05);
        Rgb Reference(double x, double y)
        {
            if (shape.Distance(x, y) < 0)
                return paint * (1.1 - 0.35 * ((x - shape.CenterX) + (y - shape.CenterY)) / (2 * shape.Radius) - 0.2);
            foreach (var b in blobs)
                if ((x - b.X) * (x - b.X) + (y - b.Y) * (y - b.Y) < b.R * b.R) return b.C;
            return Rgb.Mix(wash, wash2, Math.Clamp(y / size + 0.4 * noise.At(x, y), 0, 1));
        }

        var canvas = new Canvas(size);
        canvas.Paint((x, y) => Rgb.Mix(wash, wash2, 0.5));
        double scale = size / 64.0;
        foreach (var (length, width, count) in new[] { (0.22, 0.10, 110), (0.13, 0.06, 260), (0.07, 0.035, 420) })
        {
            for (int i = 0; i < count; i++)
            {
                double cx = random.Uniform(0, size), cy = random.Uniform(0, size);
                double d = shape.Distance(cx, cy);
                double angle = Math.Abs(d) < 0.15 * shape.Radius ? Tangent(shape, cx, cy) : Math.PI * flow.At(cx, cy) * 2;
                double half = length * size / 2 * random.Uniform(0.7, 1.3), w = Math.Max(1.2 * scale, width * size * random.Uniform(0.8, 1.2));
                double ux = Math.Cos(angle), uy = Math.Sin(angle);
                var c = Reference(cx, cy).Jitter(random, 0.05);
                int reach = (int)(half + w) + 1;
                canvas.Blend((int)cx - reach, (int)cy - reach, (int)cx + reach + 1, (int)cy + reach + 1, (x, y) =>
                {
                    double t = Math.Clamp((x - cx) * ux + (y - cy) * uy, -half, half);
                    double px = x - cx - t * ux, py = y - cy - t * uy;
                    return 0.9 * Math.Clamp((w / 2 - Math.Sqrt(px * px + py * py)) / scale + 0.5, 0, 1);
                }, (_, _) => c);
            }
        }
        canvas.Paint((x, y) => canvas[(int)x, (int)y] * (1 + 0.035 * Math.Sin(x * 2.2 / scale) * Math.Sin(y * 2.2 / scale)));
        canvas.AddNoise(random, 0.01, grey: true);
        return canvas;
    }

    /// <summary>The outline's direction at (x, y): perpendicular to the distance gradient (central differences).</summary>
    static double Tangent(PlacedShape shape, double x, double y)
    {
        double gx = shape.Distance(x + 0.5, y) - shape.Distance(x - 0.5, y), gy = shape.Distance(x, y + 0.5) - shape.Distance(x, y - 0.5);
        return Math.Atan2(gy, gx) + Math.PI / 2;
    }
}
