using System.Text.Json;
using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Data.Synthetic;

/// <summary>
/// Writes the synthetic PACS-like benchmark and its captioned pretraining corpus:
///   DIR/benchmark/&lt;domain&gt;/&lt;shape&gt;/NNNN.jpg|png   (DomainBed layout; JPEG for photo and
///                                                    art_painting, PNG for cartoon and sketch)
///   DIR/corpus/images/NNNNN.png + DIR/corpus/captions.tsv ("a {style} of a {colour} {shape}",
///                                                    styles disjoint from the domains)
///   DIR/contact-sheet.png                            (two images per domain and class, then corpus rows)
///   DIR/synth.json                                   (the settings; a folder with the same settings is reused)
/// Every image is drawn from a seed derived from (seed, kind, domain, class, index), so the same
/// seed gives the same bytes whatever the thread count.
/// </summary>
public sealed record SyntheticBenchmark(int Seed = 0, int Size = 64, int PerClass = 40, int CorpusPerClass = 24)
{
    /// <summary>Bounds that keep a benchmark to what a disk holds (28 x 10000 images of at most 1024 px per domain).</summary>
    public const int MaxSize = 1024, MaxPerClass = 10_000;

    public static string BenchmarkFolder(string dir) => Path.Combine(dir, "benchmark");
    public static string CorpusCaptions(string dir) => Path.Combine(dir, "corpus", "captions.tsv");

    /// <summary>Generates into <paramref name="dir"/> unless it already holds this exact benchmark; returns whether it generated.</summary>
    public bool Generate(string dir, Action<int, int>? progress = null)
    {
        if (Size is < 16 or > MaxSize || PerClass is < 1 or > MaxPerClass || CorpusPerClass is < 0 or > MaxPerClass)
            throw new ArgumentException($"synthetic benchmark: size must be 16 to {MaxSize} px, per-class 1 to {MaxPerClass} and corpus-per-class 0 to {MaxPerClass} (got {Size} px, {PerClass}, {CorpusPerClass})");
        if (File.Exists(dir)) throw new IOException($"{dir}: a file; the synthetic benchmark is written into a folder");
        string settings = JsonSerializer.Serialize(this), marker = Path.Combine(dir, "synth.json");
        if (File.Exists(marker) && File.ReadAllText(marker) == settings) return false;

        var jobs = new List<(string Path, string Style, string Shape, int Seed)>();
        for (int d = 0; d < Styles.Domains.Count; d++)
            for (int c = 0; c < Shapes.Names.Count; c++)
                for (int i = 0; i < PerClass; i++)
                {
                    string domain = Styles.Domains[d], extension = domain is "photo" or "art_painting" ? "jpg" : "png";
                    jobs.Add((Path.Combine(BenchmarkFolder(dir), domain, Shapes.Names[c], $"{i:D4}.{extension}"), domain, Shapes.Names[c], SeedOf(0, d, c, i)));
                }
        var captions = new List<string>();
        for (int s = 0; s < Styles.CorpusStyles.Count; s++)
            for (int c = 0; c < Shapes.Names.Count; c++)
                for (int i = 0; i < CorpusPerClass; i++)
                {
                    string file = $"{captions.Count:D5}.png";
                    int seed = SeedOf(1, s, c, i);
                    var scene = Scene.Random(Shapes.Names[c], new System.Random(seed));
                    captions.Add($"images/{file}\ta {Styles.CorpusStyles[s]} of a {Palette.Colours[scene.Colour].Name} {Shapes.Names[c]}");
                    jobs.Add((Path.Combine(dir, "corpus", "images", file), Styles.CorpusStyles[s], Shapes.Names[c], seed));
                }

        int done = 0;
        Parallel.ForEach(jobs, job =>
        {
            var image = Styles.Render(job.Style, Scene.Random(job.Shape, new System.Random(job.Seed)), Size);
            Directory.CreateDirectory(Path.GetDirectoryName(job.Path)!);
            ImageCodec.Write(job.Path, image);
            progress?.Invoke(Interlocked.Increment(ref done), jobs.Count);
        });
        if (CorpusPerClass > 0) WriteText(CorpusCaptions(dir), string.Join("\n", captions) + "\n");
        ImageCodec.Write(Path.Combine(dir, "contact-sheet.png"), ContactSheet(dir));
        WriteText(marker, settings);
        return true;
    }

    int SeedOf(long kind, long style, long shape, long index) => (int)(Generator.DeriveSeed(Seed, kind, style, shape, index) & int.MaxValue);

    /// <summary>Rows: two per domain, then one per corpus style; columns: the shapes.</summary>
    RgbImage ContactSheet(string dir)
    {
        var rows = new List<RgbImage[]>();
        foreach (string domain in Styles.Domains)
            for (int i = 0; i < Math.Min(2, PerClass); i++)
                rows.Add(Shapes.Names.Select(s => ImageCodec.Read(Directory.GetFiles(Path.Combine(BenchmarkFolder(dir), domain, s)).Order().ElementAt(i))).ToArray());
        for (int s = 0; s < Styles.CorpusStyles.Count && CorpusPerClass > 0; s++)
            rows.Add(Shapes.Names.Select((shape, c) => Styles.Render(Styles.CorpusStyles[s], Scene.Random(shape, new System.Random(SeedOf(1, s, c, 0))), Size)).ToArray());
        var sheet = new RgbImage(Size * Shapes.Names.Count, Size * rows.Count);
        for (int row = 0; row < rows.Count; row++)
            for (int col = 0; col < rows[row].Length; col++)
                for (int y = 0; y < Size; y++)
                    Array.Copy(rows[row][col].Pixels, y * Size * 3, sheet.Pixels, ((row * Size + y) * sheet.Width + col * Size) * 3, Size * 3);
        return sheet;
    }

    static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
