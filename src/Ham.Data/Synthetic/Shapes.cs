namespace Ham.Data.Synthetic;

/// <summary>
/// The object classes of the synthetic benchmark: shapes given as "is this point inside?" in the
/// object's own frame, a unit box [-1, 1]^2 (rotation, scale and position are applied by the
/// caller). Seven classes, like PACS.
/// </summary>
public static class Shapes
{
    public static IReadOnlyList<string> Names { get; } = ["arrow", "circle", "cross", "heart", "square", "star", "triangle"];

    public static bool Inside(string shape, double x, double y) => shape switch
    {
        "circle" => x * x + y * y <= 0.85,
        "square" => Math.Abs(x) <= 0.75 && Math.Abs(y) <= 0.75,
        "triangle" => y >= -0.8 && y <= 0.8 && Math.Abs(x) <= (y + 0.8) / 1.6 * 0.95,
        "cross" => (Math.Abs(x) <= 0.28 && Math.Abs(y) <= 0.9) || (Math.Abs(y) <= 0.28 && Math.Abs(x) <= 0.9),
        "star" => InsideStar(x, y),
        "heart" => InsideHeart(x, -y),
        "arrow" => (Math.Abs(y) <= 0.22 && x >= -0.9 && x <= 0.2) || (x >= 0.2 && x <= 0.9 && Math.Abs(y) <= (0.9 - x) * 0.95),
        _ => throw new ArgumentException($"unknown shape '{shape}'; the shapes are {string.Join(", ", Names)}"),
    };

    /// <summary>A five-pointed star: radius alternating between 0.9 and 0.38 over ten sectors.</summary>
    static bool InsideStar(double x, double y)
    {
        double r = Math.Sqrt(x * x + y * y), angle = Math.Atan2(y, x) + Math.PI / 2;
        double sector = Math.PI / 5, phase = ((angle % (2 * sector)) + 2 * sector) % (2 * sector);
        double t = Math.Abs(phase - sector) / sector;          // 1 at a point, 0 between points
        return r <= 0.38 + (0.9 - 0.38) * t;
    }

    /// <summary>The classic heart curve (x^2 + y^2 - 1)^3 - x^2 y^3 &lt;= 0, scaled into the box.</summary>
    static bool InsideHeart(double x, double y)
    {
        x /= 0.75; y = y / 0.75 + 0.15;
        double a = x * x + y * y - 1;
        return a * a * a - x * x * y * y * y <= 0;
    }
}
