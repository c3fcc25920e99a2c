namespace Ham.Data.Synthetic;

/// <summary>
/// The "sketch" domain: pencil on white paper, no colour. The outline traced two or three times,
/// each pass slightly off (position, size, angle) and wobbly, with varying pressure; hatching on
/// the side away from the light; a ground stroke under the object.
/// </summary>
static class SketchStyle
{
    public static Canvas Draw(PlacedShape shape, int size, SynthRandom random)
    {
        var canvas = new Canvas(size);
        double paper = random.Uniform(0.93, 1.0), scale = size / 64.0, r = shape.Radius;
        var grain = new ValueNoise(random, size, 8, 2);
        canvas.Paint((x, y) => Rgb.Grey(paper + 0.02 * grain.At(x, y)));

        double spacing = random.Uniform(2.6, 4.0) * scale, hatchAngle = random.Uniform(0.4, 1.2);
        double hc = Math.Cos(hatchAngle), hs = Math.Sin(hatchAngle);
        double lightX = random.Uniform(-0.9, -0.3), lightY = -Math.Sqrt(1 - lightX * lightX);
        canvas.Blend((x, y) =>
        {
            double d = shape.Distance(x, y);
            double away = ((x - shape.CenterX) * lightX + (y - shape.CenterY) * lightY) / r;
            if (d > -0.5 || away > -0.1) return 0;
            double phase = ((x * hc + y * hs) % spacing + spacing) % spacing;
            return 0.35 * Canvas.Line(Math.Min(phase, spacing - phase), 0.8 * scale);
        }, (_, _) => Rgb.Grey(0.15));

        double groundY = shape.CenterY + r * random.Uniform(0.9, 1.05);
        canvas.Blend((x, y) => Math.Abs(x - shape.CenterX) < r ? 0.5 * Canvas.Line(y - groundY, 0.9 * scale) : 0, (_, _) => Rgb.Grey(0.2));

        for (int pass = random.Index(2) + 2; pass > 0; pass--)
        {
            var traced = shape with
            {
                CenterX = shape.CenterX + random.Normal() * 0.025 * r,
                CenterY = shape.CenterY + random.Normal() * 0.025 * r,
                Radius = r * (1 + random.Normal() * 0.02),
                Angle = shape.Angle + random.Normal() * 0.03,
            };
            var wobble = new ValueNoise(random, size, 6, 2);
            var pressure = new ValueNoise(random, size, 3, 1);
            double width = random.Uniform(0.8, 1.4) * scale, darkness = random.Uniform(0.55, 0.85);
            canvas.Blend((x, y) => darkness * (0.75 + 0.25 * pressure.At(x, y)) * Canvas.Line(traced.Distance(x, y) + 0.9 * scale * wobble.At(x, y), width),
                (_, _) => Rgb.Grey(0.12));
        }
        canvas.AddNoise(random, 0.01, grey: true);
        return canvas;
    }
}
