using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Tests.Cli;
using Ham.Training.Pretraining;

namespace Ham.Tests.Data;

/// <summary>
/// Bad images are named and left out before any work, by every command that reads a dataset or
/// a corpus; link loops in a dataset tree are named instead of being followed forty levels deep.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class BadDatasetTests
{
    static byte[] Good(string name = "056_0001.jpg") => File.ReadAllBytes(SharedData.Path("data", "PACS-mini", "photo", "dog", name));

    static byte[] Png => File.ReadAllBytes(SharedData.Path("fixtures", "clip", "images", "sketch_5921.png"));

    /// <summary>A tree of 8 good images in 2 domains x 2 classes, and the bad kinds the issue lists.</summary>
    static TempTree WithBadImages()
    {
        var tree = new TempTree();
        foreach (string d in new[] { "a", "b" })
            foreach (string c in new[] { "cat", "dog" })
                for (int i = 0; i < 2; i++) tree.File($"{d}/{c}/{i}.jpg", Good());
        tree.File("a/cat/empty.jpg", []);
        tree.File("a/dog/text.png", "not an image"u8.ToArray());
        tree.File("b/cat/cut.jpg", Good()[..2000]);
        var crc = Png;
        crc[40] ^= 0x55;
        tree.File("b/dog/crc.png", crc);
        tree.File("b/dog/huge.png", ImageFuzzTests.Bomb);
        return tree;
    }

    [Fact]
    public void ScanningLeavesOutTheBadImagesAndNamesThem()
    {
        using var tree = WithBadImages();
        var listing = DomainDataset.Open(tree.Root);
        Assert.Equal(13, listing.Domains.Sum(d => d.Images.Count));
        var (readable, report) = DatasetScan.Readable(listing, 2);
        Assert.Equal(8, readable.Domains.Sum(d => d.Images.Count));
        Assert.Equal(["a/cat/empty.jpg", "a/dog/text.png", "b/cat/cut.jpg", "b/dog/crc.png", "b/dog/huge.png"],
            report.Unreadable.Select(e => Path.GetRelativePath(tree.Root, e.File)));
        // The readable images keep their order and labels.
        Assert.Equal(listing.Domains[0].Images.Where(i => !i.Path.Contains("empty") && !i.Path.Contains("text")), readable.Domains[0].Images);
    }

    [Theory]
    [InlineData("zeroshot")]
    [InlineData("eval")]
    public void EvaluationSkipsAndNamesBadImagesAndCountsThem(string command)
    {
        using var tree = WithBadImages();
        var (code, output) = ConsoleCapture.Run(command, "--model", SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"), "--data", tree.Root);
        Assert.True(code == 0, output);
        Assert.Contains("checked 13 images in", output);
        foreach (string bad in new[] { "a/cat/empty.jpg", "a/dog/text.png", "b/cat/cut.jpg", "b/dog/crc.png", "b/dog/huge.png" })
            Assert.Contains($"  skipped: {tree.Path(bad)}: ", output);
        Assert.Contains("5 unreadable image(s) skipped", output);
    }

    [Fact]
    public void ALinkLoopInADatasetIsNamedNotFollowed()
    {
        using var tree = new TempTree();
        for (int i = 0; i < 4; i++) tree.File($"d/cat/{i}.jpg", Good());
        for (int i = 0; i < 4; i++) tree.File($"d/dog/{i}.jpg", Good());
        Directory.CreateSymbolicLink(tree.Path("d/cat/again"), "..");  // d/cat/again -> d: the domain above the class
        var e = Assert.Throws<InvalidDataException>(() => DomainDataset.Open(tree.Root));
        Assert.Equal($"{tree.Path("d/cat/again")}: a symbolic link to a folder that contains it (a loop); remove or replace the link", e.Message);

        Directory.Delete(tree.Path("d/cat/again"));
        Directory.CreateSymbolicLink(tree.Path("d/cat/self"), ".");
        Assert.Contains(tree.Path("d/cat/self"), Assert.Throws<InvalidDataException>(() => DomainDataset.Open(tree.Root)).Message);
    }

    /// <summary>A link to another class's folder is followed, as torchvision's os.walk(followlinks=True) follows it.</summary>
    [Fact]
    public void ALinkThatIsNoLoopIsFollowed()
    {
        using var tree = new TempTree();
        tree.File("data/d/cat/0.jpg", Good());
        tree.File("data/d/dog/0.jpg", Good());
        tree.File("elsewhere/1.jpg", Good());
        Directory.CreateSymbolicLink(tree.Path("data/d/cat/more"), tree.Path("elsewhere"));
        Directory.CreateSymbolicLink(tree.Path("data/d/dog/more"), tree.Path("elsewhere"));
        var dataset = DomainDataset.Open(tree.Path("data"));
        Assert.Equal(4, dataset.Domains[0].Images.Count);
        Assert.Contains(tree.Path("data/d/cat/more/1.jpg"), dataset.Domains[0].Images.Select(i => i.Path));
    }

    [Fact]
    public void AnImageLinkedToADeviceIsUnreadableNotReadForever()
    {
        using var tree = new TempTree();
        tree.File("d/cat/0.jpg", Good());
        File.CreateSymbolicLink(tree.Path("d/cat/zero.jpg"), "/dev/zero");
        var e = Assert.Throws<ImageFileException>(() => ImageCodec.Read(tree.Path("d/cat/zero.jpg")));
        Assert.Contains("a device, where a regular file (image) was expected", e.Message);
    }

    /// <summary>
    /// The tiny-CLIP corpus: a bad image is left out with its caption and named; the cached model
    /// is reused only for the same image bytes (only captions.tsv was hashed before).
    /// </summary>
    [Fact]
    public void PretrainingSkipsBadCorpusImagesAndKeysItsCacheOnTheImages()
    {
        using var tree = new TempTree();
        tree.File("corpus/0.jpg", Good());
        tree.File("corpus/1.jpg", Good("056_0010.jpg"));
        tree.File("corpus/2.jpg", Good("056_0013.jpg"));
        tree.File("corpus/bad.jpg", Good()[..500]);
        string captions = tree.File("corpus/captions.tsv", "0.jpg\ta dog\n1.jpg\tanother dog\n2.jpg\ta third dog\nbad.jpg\ta cut dog\n"u8.ToArray());
        string output = tree.Path("tiny.safetensors");
        var options = new PretrainingOptions { Vision = "vit", Steps = 1, Batch = 2, Width = 32, Layers = 1, TextWidth = 32, TextLayers = 1, EmbedDim = 16 };
        var skipped = new List<ImageFileException>();
        Assert.True(ContrastivePretraining.Run(captions, output, options, skipped: skipped.Add));
        Assert.Equal([tree.Path("corpus/bad.jpg")], skipped.Select(e => e.File));
        Assert.False(ContrastivePretraining.Run(captions, output, options));
        File.WriteAllBytes(tree.Path("corpus/2.jpg"), Good("056_0001.jpg")); // same captions, other pixels
        Assert.True(ContrastivePretraining.Run(captions, output, options));
        Assert.False(ContrastivePretraining.Run(captions, output, options));
    }
}
