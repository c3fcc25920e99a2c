using System.Text;
using Ham.Data.Images;
using Ham.Data.IO;

namespace Ham.Data.Synthetic;

/// <summary>What <see cref="SyntheticShapes.Generate"/> draws: seed, image side in pixels, images per class and domain, corpus size.</summary>
public sealed record SynthOptions(ulong Seed = 0, int Size = 64, int PerClass = 50, int CorpusImages = 2000);

/// <summary>Where the generated files are and how many there are.</summary>
public sealed record SynthSummary(string BenchmarkRoot, string CorpusRoot, string ContactSheet, int BenchmarkImages, int CorpusImages);

/// <summary>
/// A PACS-like benchmark drawn by code, and a captioned corpus for pretraining a small CLIP.
/// The benchmark, in DomainBed layout under OUT/shapes: seven shape classes in four domains that
/// differ as PACS's do (photo: shaded object on a textured background; painting: brush strokes;
/// cartoon: flat fills and thick outlines; sketch: pencil lines on white), with random pose, size,
/// colour and clutter; photo and painting as JPEG, cartoon and sketch as PNG (as PACS's sketches).
/// The corpus, under OUT/corpus: images/NNNNN.png and captions.tsv ("a {style} of a {colour}
/// {shape}") in four other styles and with four more shapes. OUT/contact_sheet.png shows class 0..6
/// of each domain (rows 1-4, domains in sorted order) and seven corpus images per style (rows 5-8).
/// Every image is drawn from its own random stream seeded by (seed, its place), so the same seed
/// gives the same files whatever the thread count.
/// </summary>
public static class SyntheticShapes
{
    const int JpegQuality = 90;

    /// <summary>The benchmark's domains in sorted (DomainBed) order, with their file format.</summary>
    public static readonly IReadOnlyList<(string Name, ImageFormat Format)> Domains =
        [("cartoon", ImageFormat.Png), ("painting", ImageFormat.Jpeg), ("photo", ImageFormat.Jpeg), ("sketch", ImageFormat.Png)];

    public static IReadOnlyList<string> Classes { get; } = ShapeOutline.Benchmark.Select(s => s.Name).ToList();

    public static SynthSummary Generate(string outDir, SynthOptions options, int threads = 1, Action<int>? progress = null)
    {
        if (options.Size is < 16 or > 1024) throw new ArgumentOutOfRangeException(nameof(options), options.Size, "--size must be between 16 and 1024 px");
        if (options.PerClass < 1) throw new ArgumentOutOfRangeException(nameof(options), options.PerClass, "--per-class must be at least 1");
        if (options.CorpusImages < 0) throw new ArgumentOutOfRangeException(nameof(options), options.CorpusImages, "--corpus cannot be negative");
        string benchmark = Path.Combine(outDir, "shapes"), corpus = Path.Combine(outDir, "corpus");
        foreach (var (domain, _) in Domains)
            foreach (var name in Classes) Directory.CreateDirectory(Path.Combine(benchmark, domain, name));
        Directory.CreateDirectory(Path.Combine(corpus, "images"));

        int benchmarkCount = Domains.Count * Classes.Count * options.PerClass, done = 0;
        var captions = new string[options.CorpusImages];
        var sheet = new RgbImage?[8, 7];
        Parallel.For(0, benchmarkCount + options.CorpusImages, new ParallelOptions { MaxDegreeOfParallelism = threads }, job =>
        {
            if (job < benchmarkCount)
            {
                int domain = job / (Classes.Count * options.PerClass), label = job / options.PerClass % Classes.Count, index = job % options.PerClass;
                var image = DrawBenchmark(options, domain, label, index);
                string extension = Domains[domain].Format == ImageFormat.Jpeg ? "jpg" : "png";
                ImageCodec.Write(Path.Combine(benchmark, Domains[domain].Name, Classes[label], $"{index:D4}.{extension}"), image, JpegQuality);
                if (index == 0) sheet[domain, label] = image;
            }
            else
            {
                int index = job - benchmarkCount;
                var (image, style, caption) = DrawCorpus(options, index);
                ImageCodec.Write(Path.Combine(corpus, "images", $"{index:D5}.png"), image);
                captions[index] = $"images/{index:D5}.png\t{caption}";
                if (index < 28 && index / 7 == style) sheet[4 + style, index % 7] = image;
            }
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        AtomicFile.WriteAllText(Path.Combine(corpus, "captions.tsv"), "image\tcaption\n" + string.Concat(captions.Select(c => c + "\n")));
        string sheetPath = Path.Combine(outDir, "contact_sheet.png");
        ImageCodec.Write(sheetPath, ContactSheet(sheet, options.Size));
        return new SynthSummary(benchmark, corpus, sheetPath, benchmarkCount, options.CorpusImages);
    }

    /// <summary>Image <paramref name="index"/> of class <paramref name="label"/> in domain <paramref name="domain"/>.</summary>
    public static RgbImage DrawBenchmark(SynthOptions options, int domain, int label, int index)
    {
        var random = SynthRandom.For(options.Seed, 1, domain, label, index);
        var colour = random.Pick(NamedColours.All).Value;
        var shape = PlacedShape.Random(ShapeOutline.Benchmark[label], options.Size, random);
        var canvas = Domains[domain].Name switch
        {
            "cartoon" => CartoonStyle.Draw(shape, colour, options.Size, random),
            "painting" => PaintingStyle.Draw(shape, colour, options.Size, random),
            "photo" => PhotoStyle.Draw(shape, colour, options.Size, random),
            _ => SketchStyle.Draw(shape, options.Size, random),
        };
        return canvas.ToImage();
    }

    /// <summary>
    /// Corpus image <paramref name="index"/>: style index / 7 for the first 28 (so the contact sheet
    /// shows each style), random after; any of the eleven shapes, any colour.
    /// </summary>
    public static (RgbImage Image, int Style, string Caption) DrawCorpus(SynthOptions options, int index)
    {
        var random = SynthRandom.For(options.Seed, 2, index);
        int style = index < 28 ? index / 7 : random.Index(CorpusStyles.All.Count);
        var outline = random.Pick(ShapeOutline.Benchmark.Concat(ShapeOutline.CorpusOnly).ToList());
        var (colourName, colour) = random.Pick(NamedColours.All);
        var shape = PlacedShape.Random(outline, options.Size, random);
        var (styleName, draw) = CorpusStyles.All[style];
        return (draw(shape, colour, options.Size, random).ToImage(), style, $"{Article(styleName)} {styleName} of {Article(colourName)} {colourName} {outline.Name}");
    }

    static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";

    /// <summary>The images in a grid with 2 px white gutters; missing cells stay white.</summary>
    static RgbImage ContactSheet(RgbImage?[,] cells, int size)
    {
        const int gutter = 2;
        int rows = cells.GetLength(0), columns = cells.GetLength(1);
        var sheet = new RgbImage(columns * (size + gutter) + gutter, rows * (size + gutter) + gutter);
        Array.Fill(sheet.Pixels, (byte)255);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                if (cells[r, c] is not { } image) continue;
                int left = gutter + c * (size + gutter), top = gutter + r * (size + gutter);
                for (int y = 0; y < size; y++)
                    Array.Copy(image.Pixels, y * size * 3, sheet.Pixels, ((top + y) * sheet.Width + left) * 3, size * 3);
            }
        return sheet;
    }
}
