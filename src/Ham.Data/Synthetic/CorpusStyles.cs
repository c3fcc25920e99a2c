namespace Ham.Data.Synthetic;

/// <summary>
/// The pretraining corpus's styles, chosen to share nothing with the benchmark's four domains, so
/// a CLIP pretrained on the corpus meets the benchmark's domains only at evaluation:
/// pixel art (a 16 x 16 grid of flat cells with a dark outline, nearest-neighbour upscaled),
/// mosaic (Voronoi tiles with grout), neon sign (a glowing tube on a dark wall), and cross-stitch
/// (X stitches on a fabric grid).
/// </summary>
static class CorpusStyles
{
    public static readonly IReadOnlyList<(string Name, Func<PlacedShape, Rgb, int, SynthRandom, Canvas> Draw)> All =
    [
        ("pixel art", PixelArt),
        ("mosaic", Mosaic),
        ("neon sign", Neon),
        ("cross-stitch", CrossStitch),
    ];

    static Canvas PixelArt(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        const int grid = 16;
        double cell = (double)size / grid;
        var background = NamedColours.Background(random, colour, 0.3);
        var cells = new int[grid, grid]; // 0 background, 1 object, 2 outline
        for (int j = 0; j < grid; j++)
            for (int i = 0; i < grid; i++) cells[i, j] = shape.Distance((i + 0.5) * cell, (j + 0.5) * cell) < 0 ? 1 : 0;
        for (int j = 0; j < grid; j++)
            for (int i = 0; i < grid; i++)
                if (cells[i, j] == 0 && Neighbours(i, j, grid).Any(n => cells[n.I, n.J] == 1)) cells[i, j] = 2;
        var canvas = new Canvas(size);
        var dark = colour * 0.7;
        canvas.Paint((x, y) =>
        {
            int i = Math.Min((int)(x / cell), grid - 1), j = Math.Min((int)(y / cell), grid - 1);
            return cells[i, j] switch { 1 => (i + j) % 5 == 0 ? dark : colour, 2 => Rgb.Grey(0.08), _ => (i + j) % 2 == 0 ? background : background * 0.92 };
        });
        return canvas;
    }

    static IEnumerable<(int I, int J)> Neighbours(int i, int j, int grid) =>
        new[] { (i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1) }.Where(n => n.Item1 >= 0 && n.Item1 < grid && n.Item2 >= 0 && n.Item2 < grid);

    static Canvas Mosaic(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        int tiles = 14;
        double cell = (double)size / tiles;
        var centres = new (double X, double Y, Rgb C)[tiles, tiles];
        var background = NamedColours.Background(random, colour, 0.2);
        for (int j = 0; j < tiles; j++)
            for (int i = 0; i < tiles; i++)
            {
                double x = (i + random.Uniform(0.2, 0.8)) * cell, y = (j + random.Uniform(0.2, 0.8)) * cell;
                centres[i, j] = (x, y, (shape.Distance(x, y) < 0 ? colour : background).Jitter(random, 0.08));
            }
        var canvas = new Canvas(size);
        canvas.Paint((x, y) =>
        {
            int ci = (int)(x / cell), cj = (int)(y / cell);
            double best = double.MaxValue, second = double.MaxValue;
            Rgb c = default;
            for (int j = Math.Max(cj - 1, 0); j <= Math.Min(cj + 1, tiles - 1); j++)
                for (int i = Math.Max(ci - 1, 0); i <= Math.Min(ci + 1, tiles - 1); i++)
                {
                    double d = Math.Sqrt((x - centres[i, j].X) * (x - centres[i, j].X) + (y - centres[i, j].Y) * (y - centres[i, j].Y));
                    if (d < best) { second = best; best = d; c = centres[i, j].C; }
                    else if (d < second) second = d;
                }
            return (second - best) < 0.12 * cell ? Rgb.Grey(0.82) : c;
        });
        return canvas;
    }

    static Canvas Neon(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        var wall = Rgb.Grey(random.Uniform(0.03, 0.1));
        var noise = new ValueNoise(random, size, 6, 2);
        double glow = 0.09 * shape.Radius, tube = Math.Max(1.0, 0.05 * shape.Radius);
        var bright = Rgb.Mix(colour, Rgb.Grey(1), 0.2) * 1.2;
        var canvas = new Canvas(size);
        canvas.Paint((x, y) =>
        {
            double d = Math.Abs(shape.Distance(x, y));
            return wall * (1 + 0.4 * noise.At(x, y)) + bright * Math.Exp(-d / glow) + Rgb.Grey(0.9) * Canvas.Coverage(d - tube / 2);
        });
        return canvas;
    }

    static Canvas CrossStitch(PlacedShape shape, Rgb colour, int size, SynthRandom random)
    {
        const int grid = 20;
        double cell = (double)size / grid;
        var fabric = new Rgb(0.93, 0.89, 0.8) * random.Uniform(0.9, 1.02);
        var canvas = new Canvas(size);
        canvas.Paint((x, y) =>
        {
            int i = (int)(x / cell), j = (int)(y / cell);
            double u = x / cell - i - 0.5, v = y / cell - j - 0.5;
            bool hole = Math.Abs(Math.Abs(u) - 0.5) < 0.08 && Math.Abs(Math.Abs(v) - 0.5) < 0.08;
            if (shape.Distance((i + 0.5) * cell, (j + 0.5) * cell) >= 0) return hole ? fabric * 0.8 : fabric;
            double stitch = Math.Min(Math.Abs(u - v), Math.Abs(u + v)) / Math.Sqrt(2);
            return stitch < 0.13 ? colour * (0.85 + 0.3 * (0.13 - stitch) / 0.13) : hole ? fabric * 0.8 : fabric;
        });
        return canvas;
    }
}
