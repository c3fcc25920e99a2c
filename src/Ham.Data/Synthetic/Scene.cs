namespace Ham.Data.Synthetic;

/// <summary>
/// One object to draw: its shape, colour, rotation, scale and position, plus the random numbers a
/// style uses (so a scene is fully determined by its seed). Coordinates are in [-1, 1]^2 over the image.
/// </summary>
public sealed record Scene(string Shape, int Colour, double Angle, double Scale, double CenterX, double CenterY, int Seed)
{
    public static Scene Random(string shape, System.Random random) => new(
        shape,
        random.Next(Palette.Colours.Count),
        (random.NextDouble() - 0.5) * 1.0,   // within about +-30 degrees of upright
        0.5 + random.NextDouble() * 0.35,
        (random.NextDouble() - 0.5) * 0.35,
        (random.NextDouble() - 0.5) * 0.35,
        random.Next());

    /// <summary>Whether image point (u, v) lies on the object.</summary>
    public bool Covers(double u, double v)
    {
        double dx = u - CenterX, dy = v - CenterY;
        double cos = Math.Cos(-Angle), sin = Math.Sin(-Angle);
        return Shapes.Inside(Shape, (dx * cos - dy * sin) / Scale, (dx * sin + dy * cos) / Scale);
    }

    /// <summary>Whether (u, v) is within <paramref name="width"/> of the object's edge (inside and outside differ nearby).</summary>
    public bool OnEdge(double u, double v, double width)
    {
        bool inside = Covers(u, v);
        for (int k = 0; k < 8; k++)
        {
            double a = k * Math.PI / 4;
            if (Covers(u + width * Math.Cos(a), v + width * Math.Sin(a)) != inside) return true;
        }
        return false;
    }
}
