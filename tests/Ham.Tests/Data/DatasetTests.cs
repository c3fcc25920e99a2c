using System.Text.Json;
using Ham.Data.Datasets;
using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>
/// Dataset listing against torchvision's ImageFolder (imagefolder_pacs_mini.json for PACS-mini; the
/// tricky tree's order was checked once with torchvision 0.14 and is written out below), the class
/// checks, the named datasets, and the scan for unreadable files.
/// </summary>
public class DatasetTests
{
    static string PacsMini => SharedData.Path("data", "PACS-mini");

    [Fact]
    public void PacsMiniListsAsImageFolder()
    {
        var dataset = DomainDataset.Open(PacsMini);
        var expected = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(DataTestFiles.Path("imagefolder_pacs_mini.json")))!;
        Assert.Equal(["art_painting", "cartoon", "photo", "sketch"], dataset.Domains.Select(d => d.Name));
        foreach (var domain in dataset.Domains)
        {
            var want = expected[domain.Name];
            Assert.Equal(want.GetProperty("classes").EnumerateArray().Select(e => e.GetString()), dataset.Classes);
            var samples = want.GetProperty("samples").EnumerateArray().Select(s => (s[0].GetString()!, s[1].GetInt32())).ToList();
            Assert.Equal(samples, domain.Images.Select(i => (Path.GetRelativePath(domain.Directory, i.Path), i.Label)).ToList());
        }
        Assert.Same(dataset, NamedDataset.Pacs.Check(dataset));
    }

    [Fact]
    public void OrderMatchesTorchvisionOnTrickyNames()
    {
        using var tree = new TempTree();
        string[] files = ["d1/cat/b.jpg", "d1/cat/A.JPG", "d1/cat/a.png", "d1/cat/z.txt", "d1/cat/c.Jpeg", "d1/cat/sub/x.png", "d1/cat/sub b/y.png",
            "d1/cat/sub/deeper/w.png", "d1/cat/.hidden/h.png", "d1/cat/\uFF21.png", "d1/cat/\U0001F600.png", "d1/cat/e\u0301.webp", "d1/dog/x.bmp", "d1/dog/y.gif"];
        foreach (var f in files) tree.File(f);
        tree.File("d2/cat/one.png");
        tree.File("d2/dog/two.png");
        tree.File("README.txt"); // a file beside the domains is not a domain
        var dataset = DomainDataset.Open(tree.Root);
        Assert.Equal(["d1", "d2"], dataset.Domains.Select(d => d.Name));
        Assert.Equal(["cat", "dog"], dataset.Classes);
        // torchvision: ImageFolder("d1").samples, relative to d1 (U+FF21 before U+1F600: code point order, not UTF-16).
        string[] want = ["cat/A.JPG", "cat/a.png", "cat/b.jpg", "cat/c.Jpeg", "cat/e\u0301.webp", "cat/\uFF21.png", "cat/\U0001F600.png",
            "cat/.hidden/h.png", "cat/sub/x.png", "cat/sub b/y.png", "cat/sub/deeper/w.png", "dog/x.bmp"];
        var d1 = dataset.Domains[0];
        Assert.Equal(want, d1.Images.Select(i => Path.GetRelativePath(d1.Directory, i.Path)));
        Assert.Equal(Enumerable.Repeat(0, 11).Append(1), d1.Images.Select(i => i.Label));
    }

    [Fact]
    public void DomainMissingAClassIsNamed()
    {
        using var tree = new TempTree();
        tree.File("photo/dog/1.png");
        tree.File("photo/cat/1.png");
        tree.File("sketch/dog/1.png");
        var e = Assert.Throws<InvalidDataException>(() => DomainDataset.Open(tree.Root));
        Assert.Contains("domain 'sketch' lacks class(es) 'cat' (present in 'photo')", e.Message);
    }

    [Fact]
    public void DifferentClassSetsNameEveryDomain()
    {
        using var tree = new TempTree();
        tree.File("a/dog/1.png");
        tree.File("a/cat/1.png");
        tree.File("b/dog/1.png");
        tree.File("b/cow/1.png");
        var e = Assert.Throws<InvalidDataException>(() => DomainDataset.Open(tree.Root));
        Assert.Contains("domain 'a' lacks class(es) 'cow' (present in 'b')", e.Message);
        Assert.Contains("domain 'b' lacks class(es) 'cat' (present in 'a')", e.Message);
    }

    [Fact]
    public void EmptyClassFolderIsNamed()
    {
        using var tree = new TempTree();
        tree.File("a/dog/1.png");
        tree.File("a/cat/notes.txt");
        var e = Assert.Throws<InvalidDataException>(() => DomainDataset.Open(tree.Root));
        Assert.Contains(Path.Combine(tree.Root, "a", "cat"), e.Message);
    }

    [Fact]
    public void NamedDatasetsHaveDomainBedFoldersAndDomains()
    {
        Assert.Equal(["PACS", "VLCS", "office_home", "terra_incognita", "domain_net"], NamedDataset.All.Select(d => d.Folder));
        Assert.Equal(["Art", "Clipart", "Product", "Real World"], NamedDataset.Get("officehome").Domains);
        foreach (var d in NamedDataset.All) Assert.Equal(d.Domains.Order(PythonStringOrder.Instance), d.Domains); // environment order = sorted folders
        Assert.Same(NamedDataset.TerraIncognita, NamedDataset.ForFolder("/data/terra_incognita/"));
        Assert.Null(NamedDataset.ForFolder(PacsMini));
        Assert.Throws<ArgumentException>(() => NamedDataset.Get("MNIST"));
    }

    [Fact]
    public void WrongDomainsForANamedDatasetAreListed()
    {
        var e = Assert.Throws<InvalidDataException>(() => NamedDataset.Vlcs.Check(DomainDataset.Open(PacsMini)));
        Assert.Contains("missing 'Caltech101', 'LabelMe', 'SUN09', 'VOC2007'", e.Message);
        Assert.Contains("unexpected 'art_painting', 'cartoon', 'photo', 'sketch'", e.Message);
    }

    [Fact]
    public void NamedDatasetOpensItsFolderUnderTheDataRoot()
    {
        using var tree = new TempTree();
        foreach (var domain in NamedDataset.Vlcs.Domains)
            foreach (var c in new[] { "bird", "car", "chair", "dog", "person" })
                tree.File($"VLCS/{domain}/{c}/1.jpg");
        var dataset = NamedDataset.Vlcs.Open(tree.Root);
        Assert.Equal(20, dataset.Domains.Sum(d => d.Images.Count));
        Assert.Equal(2, dataset.IndexOf("SUN09"));
        Assert.Throws<ArgumentException>(() => dataset.IndexOf("sun09"));
    }

    [Fact]
    public void ScanCountsAndListsUnreadableFilesWithoutStopping()
    {
        using var tree = new TempTree();
        var good = File.ReadAllBytes(SharedData.Path("data", "PACS-mini", "photo", "dog", "056_0001.jpg"));
        tree.File("p/dog/good1.jpg", good);
        tree.File("p/dog/good2.jpg", good);
        tree.File("p/dog/truncated.jpg", good[..(good.Length / 2)]);
        tree.File("p/cat/empty.png", []);
        tree.File("p/cat/text.png", "not an image"u8.ToArray());
        tree.File("p/cat/good3.png", ImageCodec.Encode(new RgbImage(3, 2), ImageFormat.Png));
        int calls = 0;
        var report = DatasetScan.Run(DomainDataset.Open(tree.Root), threads: 2, _ => Interlocked.Increment(ref calls));
        Assert.Equal(6, report.Checked);
        Assert.Equal(3, report.Readable);
        Assert.Equal(6, calls);
        Assert.Equal(["p/cat/empty.png", "p/cat/text.png", "p/dog/truncated.jpg"], report.Unreadable.Select(u => Path.GetRelativePath(tree.Root, u.File)));
        Assert.Contains("empty file", report.Unreadable[0].Reason);
        Assert.Contains("truncated JPEG", report.Unreadable[2].Reason);
    }
}
