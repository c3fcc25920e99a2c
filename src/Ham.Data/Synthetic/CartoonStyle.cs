namespace Ham.Data.Synthetic;

/// <summary>
/// The "cartoon" domain: flat colours and thick dark outlines. A pastel backdrop, sometimes with a
/// ground band; a few outlined clouds; the object in a flat saturated fill with one cel-shaded
/// darker tone away from the light, a white highlight, and a thick outline.
/// </summary>
static class CartoonStyle
{
    public static Canvas Draw(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        var canvas = new Canvas(size);
        var sky = Rgb.Mix(NamedColours.Background(random, colour, 0.1), Rgb.Grey(1), random.Uniform(0.45, 0.7));
        var ground = Rgb.Mix(NamedColours.Background(random, colour, 0.1), Rgb.Grey(1), 0.3);
        double horizon = random.NextDouble() < 0.5 ? size * random.Uniform(0.65, 0.85) : double.MaxValue;
        double scale = size / 64.0, outline = Math.Max(1.6 * scale, 0.08 * shape.Radius);
        canvas.Paint((x, y) => y < horizon ? sky : ground);
        if (horizon < size) canvas.Blend((x, y) => Canvas.Line(y - horizon, outline * 0.6), (_, _) => Rgb.Grey(0.1));

        for (int i = random.Index(3); i > 0; i--)
        {
            double cx = random.Uniform(0, size), cy = random.Uniform(0, size * 0.5), rx = size * random.Uniform(0.06, 0.12), ry = rx * 0.6;
            double Cloud(double x, double y) => (Math.Sqrt((x - cx) * (x - cx) / (rx * rx) + (y - cy) * (y - cy) / (ry * ry)) - 1) * ry;
            canvas.Blend((x, y) => Canvas.Coverage(Cloud(x, y)), (_, _) => Rgb.Grey(1));
            canvas.Blend((x, y) => Canvas.Line(Cloud(x, y), outline * 0.6), (_, _) => Rgb.Grey(0.1));
        }

        var fill = colour.Jitter(random, 0.04) * 1.05;
        double lightX = random.Uniform(0.4, 0.8), lightY = Math.Sqrt(1 - lightX * lightX);
        canvas.Blend((x, y) => Canvas.Coverage(shape.Distance(x, y)), (x, y) =>
            ((x - shape.CenterX) * lightX + (y - shape.CenterY) * lightY) / shape.Radius > 0.25 ? fill * 0.75 : fill);
        double hx = shape.CenterX - 0.35 * shape.Radius, hy = shape.CenterY - 0.35 * shape.Radius, hr = 0.12 * shape.Radius;
        canvas.Blend((x, y) => shape.Distance(x, y) < -outline ? Canvas.Coverage(Math.Sqrt((x - hx) * (x - hx) + (y - hy) * (y - hy) / 0.5) - hr) : 0, (_, _) => Rgb.Grey(1));
        canvas.Blend((x, y) => Canvas.Line(shape.Distance(x, y), outline), (_, _) => Rgb.Grey(0.06));
        return canvas;
    }
}
