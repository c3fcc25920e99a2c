using System.Security.Cryptography;
using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Synthetic;

namespace Ham.Tests.Data;

public class SyntheticBenchmarkTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-synth").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Dictionary<string, string> Hashes(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedSameBytesInDomainBedLayout()
    {
        var benchmark = new SyntheticBenchmark(Seed: 3, Size: 24, PerClass: 2, CorpusPerClass: 1);
        Assert.True(benchmark.Generate(Path.Combine(_dir, "a")));
        Assert.False(benchmark.Generate(Path.Combine(_dir, "a")));   // already there: reused
        benchmark.Generate(Path.Combine(_dir, "b"));
        new SyntheticBenchmark(Seed: 4, Size: 24, PerClass: 2, CorpusPerClass: 1).Generate(Path.Combine(_dir, "c"));
        var a = Hashes(Path.Combine(_dir, "a"));
        Assert.Equal(a, Hashes(Path.Combine(_dir, "b")));
        var c = Hashes(Path.Combine(_dir, "c"));
        Assert.NotEqual(a["benchmark/photo/circle/0000.jpg"], c["benchmark/photo/circle/0000.jpg"]);

        var dataset = DomainDataset.Open(SyntheticBenchmark.BenchmarkFolder(Path.Combine(_dir, "a")));
        Assert.Equal(["art_painting", "cartoon", "photo", "sketch"], dataset.Domains.Select(d => d.Name));
        Assert.Equal(Shapes.Names, dataset.Classes);
        Assert.All(dataset.Domains, d => Assert.Equal(14, d.Images.Count));
        var photo = ImageCodec.Read(dataset.Domains[2].Images[0].Path);
        Assert.Equal((24, 24), (photo.Width, photo.Height));
        Assert.True(File.ReadAllBytes(dataset.Domains[3].Images[0].Path).AsSpan(1, 3).SequenceEqual("PNG"u8));

        var captions = File.ReadAllLines(SyntheticBenchmark.CorpusCaptions(Path.Combine(_dir, "a")));
        Assert.Equal(Styles.CorpusStyles.Count * Shapes.Names.Count, captions.Length);
        Assert.All(captions, line => Assert.Matches(@"^images/\d{5}\.png\ta (blueprint|mosaic|neon|pixel art) of a \w+ \w+$", line));
        Assert.Empty(Styles.CorpusStyles.Intersect(Styles.Domains));
    }

    /// <summary>Every shape covers a sensible part of its box and no two shapes are the same set.</summary>
    [Fact]
    public void ShapesAreDistinctRegions()
    {
        var masks = Shapes.Names.ToDictionary(s => s, s => Enumerable.Range(0, 400).Select(i => Shapes.Inside(s, (i % 20) / 10.0 - 0.95, (i / 20) / 10.0 - 0.95)).ToArray());
        foreach (var (shape, mask) in masks) Assert.InRange(mask.Count(x => x) / 400.0, 0.15, 0.8);
        foreach (var a in Shapes.Names)
            foreach (var b in Shapes.Names.Where(b => string.CompareOrdinal(a, b) < 0))
                Assert.True(masks[a].Zip(masks[b]).Count(p => p.First != p.Second) > 20, $"{a} and {b} look alike");
    }
}
