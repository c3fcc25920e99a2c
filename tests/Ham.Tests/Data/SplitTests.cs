using System.Text.Json;
using Ham.Data.Datasets;
using Ham.Data.Splits;

namespace Ham.Tests.Data;

/// <summary>DomainBed's splits against numpy 1.24 and DomainBed's own formulas (split_cases.json, made by make_split_cases.py).</summary>
public class SplitTests
{
    static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(DataTestFiles.Path("split_cases.json"))).RootElement;

    static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Fact]
    public void ShuffleMatchesNumpyRandomState()
    {
        int count = 0;
        foreach (var c in Cases.GetProperty("shuffles").EnumerateArray())
        {
            var keys = Enumerable.Range(0, c.GetProperty("n").GetInt32()).ToArray();
            new LegacyRandomState(c.GetProperty("seed").GetInt64()).Shuffle<int>(keys);
            Assert.Equal(Ints(c.GetProperty("keys")), keys);
            count++;
        }
        Assert.Equal(13, count);
    }

    [Fact]
    public void Mt19937MatchesTheReferenceOutput()
    {
        // genrand_int32 after init_genrand(5489) (the reference mt19937ar.c default seed): the
        // 10000th output is 4123659995 (C++11 requires this of std::mt19937).
        var rng = new LegacyRandomState(5489);
        uint value = 0;
        for (int i = 0; i < 10000; i++) value = rng.NextUInt32();
        Assert.Equal(4123659995u, value);
    }

    [Fact]
    public void SeedHashMatchesDomainBed()
    {
        foreach (var c in Cases.GetProperty("seed_hash").EnumerateArray())
        {
            var args = c.GetProperty("args").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(c.GetProperty("hash").GetInt32(), SeedHash.Of(args));
        }
    }

    [Fact]
    public void PacsMiniSplitsMatchDomainBed()
    {
        var dataset = DomainDataset.Open(SharedData.Path("data", "PACS-mini"));
        var sizes = dataset.Domains.Select(d => (d.Name, d.Images.Count)).ToList();
        foreach (var c in Cases.GetProperty("pacs_mini").EnumerateArray())
        {
            int testEnv = c.GetProperty("test_env").GetInt32();
            var splits = DomainBedSplit.ForDomains(sizes, testEnv, c.GetProperty("trial_seed").GetInt32());
            foreach (var s in splits)
            {
                var want = c.GetProperty("domains").GetProperty(s.Domain);
                Assert.Equal(Ints(want.GetProperty("in")), s.In);
                Assert.Equal(Ints(want.GetProperty("out")), s.Out);
                Assert.Equal(56, s.Out.Count); // int(280 * 0.2)
                Assert.Equal(s.Domain == dataset.Domains[testEnv].Name, s.IsTest);
            }
        }
    }

    [Theory]
    [InlineData(5, 0.2, 1)]   // 5 * 0.2 = 1.0000000000000002 in doubles -> 1
    [InlineData(7, 0.2, 1)]   // 1.4 -> 1
    [InlineData(3, 0.2, 0)]   // 0.6 -> 0: nothing held out
    [InlineData(10, 0.3, 3)]  // 3.0000000000000004 -> 3
    [InlineData(100, 0.29, 28)] // 28.999999999999996 -> 28, as Python's int() truncates
    public void HoldoutCountTruncatesLikePython(int n, double fraction, int expectedOut)
    {
        var s = DomainBedSplit.ForDomains([("a", n), ("b", n)], 1, 0, fraction)[0];
        Assert.Equal(expectedOut, s.Out.Count);
        Assert.Equal(Enumerable.Range(0, n), s.In.Concat(s.Out).Order());
    }

    [Fact]
    public void SplitFileRoundTripsAndNamesBadFiles()
    {
        using var tree = new TempTree();
        var splits = DomainBedSplit.ForDomains([("photo", 9), ("Real World", 4)], 0, 3);
        string path = tree.Path("out/split.json");
        SplitFile.Write(path, splits);
        Assert.Equal(["split.json"], Directory.GetFiles(tree.Path("out")).Select(Path.GetFileName));
        var back = SplitFile.Read(path);
        Assert.Equal(splits.Select(s => (s.Domain, s.IsTest, s.Seed)), back.Select(s => (s.Domain, s.IsTest, s.Seed)));
        Assert.Equal(splits.Select(s => s.In.Concat(s.Out)).SelectMany(x => x), back.Select(s => s.In.Concat(s.Out)).SelectMany(x => x));
        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal(9, json.GetProperty("photo").GetProperty("size").GetInt32());
        File.WriteAllText(path, "{\"photo\": {\"in\": [1]}}");
        var e = Assert.Throws<InvalidDataException>(() => SplitFile.Read(path));
        Assert.Contains("domain 'photo'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void SeedsOutsideNumpysRangeAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LegacyRandomState(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LegacyRandomState(1L << 32));
    }
}
