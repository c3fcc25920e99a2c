namespace Ham.Data.Synthetic;

/// <summary>
/// An object class of the synthetic data as a signed distance function in its own unit frame
/// (x right, y down, the shape inside the unit disc): negative inside, positive outside, the
/// value the Euclidean distance to the outline. Every style draws from this one function: fills
/// (distance &lt; 0), outlines (|distance| &lt; width), glows (exp(-|distance|)), and antialiasing.
/// </summary>
sealed class ShapeOutline(string name, Func<double, double, double> distance)
{
    public string Name { get; } = name;

    public double Distance(double x, double y) => distance(x, y);

    /// <summary>The seven classes of the benchmark (as many as PACS has).</summary>
    public static readonly IReadOnlyList<ShapeOutline> Benchmark =
    [
        new("arrow", Polygon([(-0.9, -0.2), (0.15, -0.2), (0.15, -0.55), (0.9, 0), (0.15, 0.55), (0.15, 0.2), (-0.9, 0.2)])),
        new("circle", (x, y) => Math.Sqrt(x * x + y * y) - 0.82),
        new("cross", Polygon([(-0.27, -0.9), (0.27, -0.9), (0.27, -0.27), (0.9, -0.27), (0.9, 0.27), (0.27, 0.27), (0.27, 0.9), (-0.27, 0.9), (-0.27, 0.27), (-0.9, 0.27), (-0.9, -0.27), (-0.27, -0.27)])),
        new("heart", Polygon(HeartPoints())),
        new("square", Polygon([(-0.68, -0.68), (0.68, -0.68), (0.68, 0.68), (-0.68, 0.68)])),
        new("star", Polygon(StarPoints(5, 0.95, 0.4))),
        new("triangle", Polygon([(0, -0.92), (0.87, 0.6), (-0.87, 0.6)])),
    ];

    /// <summary>Shapes that only the pretraining corpus has, so its vocabulary is wider than the benchmark's classes.</summary>
    public static readonly IReadOnlyList<ShapeOutline> CorpusOnly =
    [
        new("diamond", Polygon([(0, -0.95), (0.6, 0), (0, 0.95), (-0.6, 0)])),
        new("hexagon", Polygon(StarPoints(3, 0.85, 0.85))),
        new("moon", (x, y) => Math.Max(Math.Sqrt(x * x + y * y) - 0.85, 0.62 - Math.Sqrt((x - 0.42) * (x - 0.42) + (y + 0.18) * (y + 0.18)))),
        new("ring", (x, y) => Math.Abs(Math.Sqrt(x * x + y * y) - 0.62) - 0.2),
    ];

    /// <summary>Alternating outer and inner vertices, the first outer one straight up.</summary>
    static (double, double)[] StarPoints(int points, double outer, double inner) =>
        Enumerable.Range(0, 2 * points).Select(i =>
        {
            double angle = -Math.PI / 2 + i * Math.PI / points, r = i % 2 == 0 ? outer : inner;
            return (r * Math.Cos(angle), r * Math.Sin(angle));
        }).ToArray();

    /// <summary>The classic heart curve x = 16 sin^3 t, y = 13 cos t - 5 cos 2t - 2 cos 3t - cos 4t, flipped so the lobes are up, scaled into the unit disc.</summary>
    static (double, double)[] HeartPoints() =>
        Enumerable.Range(0, 48).Select(i =>
        {
            double t = 2 * Math.PI * i / 48;
            double x = 16 * Math.Pow(Math.Sin(t), 3), y = 13 * Math.Cos(t) - 5 * Math.Cos(2 * t) - 2 * Math.Cos(3 * t) - Math.Cos(4 * t);
            return (x / 18.5, -(y + 2.5) / 18.5);
        }).ToArray();

    /// <summary>Distance to the nearest edge, negative inside (even-odd crossing test).</summary>
    static Func<double, double, double> Polygon((double X, double Y)[] v) => (x, y) =>
    {
        double best = double.MaxValue;
        bool inside = false;
        for (int i = 0, j = v.Length - 1; i < v.Length; j = i++)
        {
            double ex = v[i].X - v[j].X, ey = v[i].Y - v[j].Y, wx = x - v[j].X, wy = y - v[j].Y;
            double t = Math.Clamp((wx * ex + wy * ey) / (ex * ex + ey * ey), 0, 1);
            double dx = wx - ex * t, dy = wy - ey * t;
            best = Math.Min(best, dx * dx + dy * dy);
            if ((v[i].Y > y) != (v[j].Y > y) && x < v[j].X + ex * (y - v[j].Y) / ey) inside = !inside;
        }
        return inside ? -Math.Sqrt(best) : Math.Sqrt(best);
    };
}
