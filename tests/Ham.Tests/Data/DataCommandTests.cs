using System.Text.Json;
using Ham.Tests.Cli;

namespace Ham.Tests.Data;

/// <summary>`ham data info` and `ham data split`, run in-process through the CLI's entry point.</summary>
[Collection(nameof(ConsoleCapture))]
public class DataCommandTests
{
    static string PacsMini => SharedData.Path("data", "PACS-mini");

    [Fact]
    public void InfoCountsAndListsUnreadableFiles()
    {
        using var tree = new TempTree();
        var good = File.ReadAllBytes(Path.Combine(PacsMini, "photo", "dog", "056_0001.jpg"));
        tree.File("a/dog/1.jpg", good);
        tree.File("a/cat/1.jpg", good);
        tree.File("a/cat/2.jpg", good[..100]);
        tree.File("b/dog/1.jpg", good);
        tree.File("b/cat/1.png", []);
        var (code, output) = ConsoleCapture.Run("data", "info", tree.Root, "--threads", "2");
        Assert.Equal(2, code); // unreadable files found
        Assert.Contains("2 domains, 2 classes", output);
        Assert.Contains("decoded 3 of 5 images", output);
        Assert.Contains(Path.Combine("a", "cat", "2.jpg"), output);
        Assert.Contains("empty file", output);
    }

    [Fact]
    public void SplitWritesDomainBedSplitOfEveryDomain()
    {
        using var tree = new TempTree();
        string output = tree.Path("split.json");
        var (code, _) = ConsoleCapture.Run("data", "split", PacsMini, "--test-domain", "sketch", "--trial-seed", "2", "--out", output);
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.Equal(["art_painting", "cartoon", "photo", "sketch"], json.EnumerateObject().Select(p => p.Name));
        // Same case as split_cases.json's (trial_seed 2, test_env 3), made with DomainBed's formulas and numpy.
        var expected = JsonDocument.Parse(File.ReadAllText(DataTestFiles.Path("split_cases.json"))).RootElement
            .GetProperty("pacs_mini")[1].GetProperty("domains");
        foreach (var domain in json.EnumerateObject())
        {
            Assert.Equal(domain.Name == "sketch", domain.Value.GetProperty("test").GetBoolean());
            foreach (var part in new[] { "in", "out" })
                Assert.Equal(expected.GetProperty(domain.Name).GetProperty(part).EnumerateArray().Select(e => e.GetInt32()),
                    domain.Value.GetProperty(part).EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [Fact]
    public void SplitWithAnUnknownTestDomainNamesTheDomains()
    {
        var (code, output) = ConsoleCapture.Run("data", "split", PacsMini, "--test-domain", "Photo", "--out", "unused.json");
        Assert.Equal(1, code);
        Assert.Contains("no domain 'Photo'; the domains are 'art_painting', 'cartoon', 'photo', 'sketch'", output);
        Assert.False(File.Exists("unused.json"));
    }
}
