namespace Ham.Data.Synthetic;

/// <summary>A shape put into an image: centre and radius in pixels, rotation in radians; distances come out in pixels.</summary>
readonly record struct PlacedShape(ShapeOutline Outline, double CenterX, double CenterY, double Radius, double Angle)
{
    /// <summary>Signed distance in pixels from pixel-space point (x, y) to the outline.</summary>
    public double Distance(double x, double y)
    {
        double dx = (x - CenterX) / Radius, dy = (y - CenterY) / Radius;
        double c = Math.Cos(Angle), s = Math.Sin(Angle);
        return Outline.Distance(c * dx + s * dy, -s * dx + c * dy) * Radius;
    }

    /// <summary>A random pose for an image of <paramref name="size"/> px: radius 28-42% of the side, centre within 12% of the middle, rotation up to +-35 degrees.</summary>
    public static PlacedShape Random(ShapeOutline outline, int size, SynthRandom random) => new(outline,
        size * (0.5 + random.Uniform(-0.12, 0.12)), size * (0.5 + random.Uniform(-0.12, 0.12)),
        size * random.Uniform(0.28, 0.42), random.Uniform(-0.6, 0.6));
}
