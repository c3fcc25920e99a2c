using System.Security.Cryptography;
using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Synthetic;

namespace Ham.Tests.Data;

/// <summary>The synthetic benchmark and corpus: same seed same bytes (whatever the thread count), DomainBed layout, real JPEG and PNG, captions.</summary>
public class SyntheticShapesTests
{
    static readonly SynthOptions Small = new(Seed: 4, Size: 48, PerClass: 2, CorpusImages: 30);

    static Dictionary<string, string> Hashes(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedSameBytesAndAnotherSeedOtherBytes()
    {
        using var a = new TempTree();
        using var b = new TempTree();
        using var c = new TempTree();
        SyntheticShapes.Generate(a.Root, Small, threads: 1);
        SyntheticShapes.Generate(b.Root, Small, threads: 3);
        SyntheticShapes.Generate(c.Root, Small with { Seed = 5 }, threads: 2);
        var ha = Hashes(a.Root);
        Assert.Equal(4 * 7 * 2 + 30 + 2, ha.Count); // images, captions.tsv, contact sheet
        Assert.Equal(ha, Hashes(b.Root));
        var hc = Hashes(c.Root);
        Assert.Equal(ha.Keys.Order(), hc.Keys.Order());
        Assert.All(ha.Where(kv => kv.Key.EndsWith(".jpg") || kv.Key.EndsWith(".png")), kv => Assert.NotEqual(kv.Value, hc[kv.Key]));
    }

    [Fact]
    public void BenchmarkIsADomainBedDatasetOfRealImages()
    {
        using var tree = new TempTree();
        var summary = SyntheticShapes.Generate(tree.Root, Small, threads: 2);
        var dataset = DomainDataset.Open(summary.BenchmarkRoot);
        Assert.Equal(["cartoon", "painting", "photo", "sketch"], dataset.Domains.Select(d => d.Name));
        Assert.Equal(["arrow", "circle", "cross", "heart", "square", "star", "triangle"], dataset.Classes);
        foreach (var domain in dataset.Domains)
        {
            Assert.Equal(14, domain.Images.Count);
            var expected = domain.Name is "photo" or "painting" ? ImageFormat.Jpeg : ImageFormat.Png;
            foreach (var item in domain.Images)
            {
                Assert.Equal(expected, ImageFormats.Detect(File.ReadAllBytes(item.Path)));
                var image = ImageCodec.Read(item.Path);
                Assert.Equal((48, 48), (image.Width, image.Height));
            }
        }
        // Sketches are grey; the other domains have colour.
        var sketch = ImageCodec.Read(dataset.Domains[3].Images[0].Path).Pixels;
        Assert.All(Enumerable.Range(0, sketch.Length / 3), i => Assert.True(sketch[3 * i] == sketch[3 * i + 1] && sketch[3 * i + 1] == sketch[3 * i + 2]));
        var photo = ImageCodec.Read(dataset.Domains[2].Images[0].Path).Pixels;
        Assert.Contains(Enumerable.Range(0, photo.Length / 3), i => Math.Abs(photo[3 * i] - photo[3 * i + 2]) > 40);
    }

    [Fact]
    public void CorpusHasACaptionPerImageInItsOwnStyles()
    {
        using var tree = new TempTree();
        var summary = SyntheticShapes.Generate(tree.Root, Small, threads: 2);
        var lines = File.ReadAllLines(Path.Combine(summary.CorpusRoot, "captions.tsv"));
        Assert.Equal("image\tcaption", lines[0]);
        Assert.Equal(30, lines.Length - 1);
        var styles = new[] { "a pixel art of", "a mosaic of", "a neon sign of", "a cross-stitch of" };
        foreach (var line in lines.Skip(1))
        {
            var (file, caption) = (line.Split('\t')[0], line.Split('\t')[1]);
            Assert.True(File.Exists(Path.Combine(summary.CorpusRoot, file)), file);
            Assert.Contains(styles, s => caption.StartsWith(s));
            Assert.DoesNotContain(SyntheticShapes.Domains, d => caption.Contains(d.Name));
        }
        Assert.Equal(styles, lines.Skip(1).Take(28).Where((_, i) => i % 7 == 0).Select(l => styles.Single(s => l.Split('\t')[1].StartsWith(s))));
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        using var tree = new TempTree();
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticShapes.Generate(tree.Root, Small with { Size = 8 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticShapes.Generate(tree.Root, Small with { PerClass = 0 }));
    }
}
