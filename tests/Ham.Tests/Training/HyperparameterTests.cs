using Ham.Training.Algorithms;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ham.Data.Splits;
using Ham.Training.Hyperparameters;

namespace Ham.Tests.Training;

/// <summary>
/// The hyperparameter registry against DomainBed's drawing rule run in Python
/// (Data/hyperparameter_cases.json, made by Data/make_hyperparameter_cases.py, which also checked
/// its DomainBed-named draws against DomainBed's own hparams_registry), and its overrides,
/// errors and JSON.
/// </summary>
public class HyperparameterTests
{
    static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Training", "Data", "hyperparameter_cases.json"))).RootElement;

    static readonly Dictionary<string, string> NoOverrides = [];

    [Fact]
    public void DrawsEqualDomainBedsForEveryAlgorithmBackboneAndSeedPair()
    {
        int count = 0;
        foreach (var c in Reference.GetProperty("cases").EnumerateArray())
        {
            string algorithm = c.GetProperty("algorithm").GetString()!, backbone = c.GetProperty("backbone").GetString()!;
            int hparamsSeed = c.GetProperty("hparams_seed").GetInt32(), trialSeed = c.GetProperty("trial_seed").GetInt32();
            var values = HyperparameterSpace.Resolve(algorithm, backbone, hparamsSeed, trialSeed, NoOverrides);
            var expected = c.GetProperty("values").EnumerateObject().ToArray();
            string where = $"{algorithm} ({backbone}) hparams_seed {hparamsSeed} trial_seed {trialSeed}";
            Assert.True(expected.Select(p => p.Name).SequenceEqual(values.Names), $"{where}: names {string.Join(", ", values.Names)}");
            foreach (var p in expected)
            {
                object actual = values[p.Name];
                object want = p.Value.ValueKind switch
                {
                    JsonValueKind.True or JsonValueKind.False => p.Value.GetBoolean(),
                    JsonValueKind.String => p.Value.GetString()!,
                    _ => actual is int ? (object)p.Value.GetInt32() : p.Value.GetDouble(),
                };
                Assert.True(want.Equals(actual), $"{where}: {p.Name} = {actual}, DomainBed's rule gives {want}");
            }
            count++;
        }
        // Every registered algorithm is in the reference, so a new one needs its Python twin.
        Assert.Equal(AlgorithmRegistry.Names.Count() * 2 * 11, count);
    }

    [Fact]
    public void SeedHashOfIntAndNameEqualsDomainBeds()
    {
        foreach (var c in Reference.GetProperty("seed_hash").EnumerateArray())
        {
            var args = c.GetProperty("args");
            Assert.Equal(c.GetProperty("hash").GetInt32(), SeedHash.Of(args[0].GetInt64(), args[1].GetString()!));
        }
        Assert.Throws<ArgumentException>(() => SeedHash.Of(1, "it's"));
    }

    [Fact]
    public void SeedZeroIsTheDefaultsWhateverTheTrialSeed()
    {
        foreach (string algorithm in AlgorithmRegistry.Names)
            foreach (string backbone in new[] { "clip", "resnet" })
            {
                var space = HyperparameterSpace.For(algorithm, backbone);
                var defaults = space.Parameters.Select(p => p.Default).ToArray();
                Assert.Equal(defaults, space.Names.Select(n => space.Draw(0, 5)[n]).ToArray());
                Assert.Equal(defaults, space.Names.Select(n => space.Defaults()[n]).ToArray());
            }
        var ham = HyperparameterSpace.Resolve("ham", "clip", 0, 0, NoOverrides);
        Assert.Equal(5e-6, ham.Double("lr"));
        Assert.Equal(1000, ham.Int("steps"));
        Assert.Equal(0.2, ham.Double("trim"));
        Assert.True(ham.Bool("sae"));
        Assert.Equal("layer-dot", ham.String("opa"));
    }

    [Fact]
    public void DrawsStayInTheSearchSpaceAndVaryWithTheSeeds()
    {
        var space = HyperparameterSpace.For("ham", "clip");
        var draws = Enumerable.Range(1, 40).Select(s => space.Draw(s, 0)).ToArray();
        Assert.Equal(new[] { 5e-6, 1e-5 }, draws.Select(d => d.Double("lr")).Distinct().Order());
        Assert.Equal(new[] { 500, 3000, 5000, 10000 }, draws.Select(d => d.Int("steps")).Distinct().Order());
        Assert.Equal(new[] { 0.2, 0.4, 0.6, 0.8 }, draws.Select(d => d.Double("trim")).Distinct().Order());
        Assert.All(draws, d => Assert.Equal(0.1, d.Double("weight_decay")));
        // trim is declared once for ham and per-source, so a seed pair draws the same ratio for both.
        Assert.All(Enumerable.Range(1, 20), s => Assert.Equal(space.Draw(s, 2).Double("trim"), HyperparameterSpace.For("per-source", "clip").Draw(s, 2).Double("trim")));
    }

    [Fact]
    public void OverridesAreParsedByKindAndApplyAfterTheDraw()
    {
        var overrides = new Dictionary<string, string> { ["lr"] = "2e-5", ["steps"] = "7", ["sae"] = "off", ["opa"] = "elementwise", ["merge"] = "ties" };
        var drawn = HyperparameterSpace.Resolve("ham", "clip", 3, 1, NoOverrides);
        var values = HyperparameterSpace.Resolve("ham", "clip", 3, 1, overrides);
        Assert.Equal(2e-5, values.Double("lr"));
        Assert.Equal(7, values.Int("steps"));
        Assert.False(values.Bool("sae"));
        Assert.Equal("elementwise", values.String("opa"));
        Assert.Equal("ties", values.String("merge"));
        Assert.Equal(drawn.Double("trim"), values.Double("trim"));
        Assert.Equal(drawn.Double("lambda"), values.Double("lambda"));
        Assert.False(HyperparameterSpace.Resolve("ham", "clip", 0, 0, new Dictionary<string, string> { ["average"] = "false" }).Bool("average"));
    }

    [Theory]
    [InlineData("lr", "-1", "'lr' must be in (0, inf)")]
    [InlineData("lr", "0", "'lr' must be in (0, inf)")]
    [InlineData("lr", "fast", "'lr' takes a number, got 'fast'")]
    [InlineData("lr", "NaN", "'lr' takes a number")]
    [InlineData("trim", "1.5", "'trim' must be in [0, 1]")]
    [InlineData("steps", "2.5", "'steps' takes an integer, got '2.5'")]
    [InlineData("steps", "0", "'steps' must be in [1, inf)")]
    [InlineData("sae", "yes", "'sae' takes true or false")]
    [InlineData("opa", "cosine", "'opa' takes one of layer-dot, elementwise, leave-one-out")]
    [InlineData("merge", "soup", "'merge' takes one of average, task-arithmetic")]
    public void BadOverridesNameTheHyperparameterAndWhatItTakes(string name, string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => HyperparameterSpace.Resolve("ham", "clip", 0, 0, new Dictionary<string, string> { [name] = text }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void UnknownNamesListTheAlgorithmsHyperparameters()
    {
        var e = Assert.Throws<ArgumentException>(() => HyperparameterSpace.Resolve("irm", "resnet", 0, 0, new Dictionary<string, string> { ["trim"] = "0.4" }));
        Assert.Contains("unknown hyperparameter 'trim' for irm (resnet)", e.Message);
        Assert.Contains("lr, weight_decay, batch_size, steps, irm_lambda, irm_penalty_anneal_iters", e.Message);
        var values = HyperparameterSpace.Resolve("irm", "resnet", 0, 0, NoOverrides);
        Assert.Contains("unknown hyperparameter 'mmd_gamma'", Assert.Throws<ArgumentException>(() => values.Double("mmd_gamma")).Message);
        Assert.Contains("is an integer, not a number", Assert.Throws<InvalidOperationException>(() => values.Double("batch_size")).Message);
        Assert.Contains("the methods are ham, per-source, erm, clipood, irm, coral, mmd, mixup",
            Assert.Throws<ArgumentException>(() => HyperparameterSpace.For("dann", "clip")).Message);
        Assert.Contains("the backbones are clip, resnet", Assert.Throws<ArgumentException>(() => HyperparameterSpace.For("erm", "vit")).Message);
    }

    /// <summary>run.json's "hyperparameters": every name in the space's order with its value, of its JSON kind.</summary>
    [Fact]
    public void JsonHoldsEveryValueByName()
    {
        var values = HyperparameterSpace.For("mixup", "resnet").Resolve(17, 2, NoOverrides);
        var json = values.ToJson();
        Assert.Equal(values.Names, json.Select(p => p.Key));
        Assert.Equal(values.Int("batch_size"), json["batch_size"]!.GetValue<int>());
        Assert.Equal(values.Double("mixup_alpha"), json["mixup_alpha"]!.GetValue<double>());
        Assert.False(json["average"]!.GetValue<bool>());
    }

    [Fact]
    public void AnAlgorithmDeclaresItsOwnHyperparametersInOnePlace()
    {
        Hyperparameter[] own = [Hyperparameter.Double("groupdro_eta", 1e-2, SearchDistribution.LogUniform(10, -3, -1), NumericRange.Positive, "group weights' step size")];
        var space = HyperparameterSpace.Of("groupdro", "resnet", own);
        Assert.Equal(["lr", "weight_decay", "batch_size", "steps", "groupdro_eta"], space.Names);
        // DomainBed's GroupDRO, random_hparams('GroupDRO', 'PACS', seed_hash(1, 0)): groupdro_eta = 10**U(-3, -1) from RandomState(seed_hash(seed_hash(1, 0), 'groupdro_eta')).
        var random = new LegacyRandomState(SeedHash.Of(SeedHash.Of(1, 0), "groupdro_eta"));
        Assert.Equal(Math.Pow(10, random.Uniform(-3, -1)), space.Draw(1, 0).Double("groupdro_eta"));
        Assert.Contains("declared twice", Assert.Throws<ArgumentException>(() => HyperparameterSpace.Of("x", "clip",
            [Hyperparameter.Double("lr", 1e-3, SearchDistribution.Fixed, NumericRange.Positive, "again")])).Message);
        Assert.Contains("'bad' is Double but its choice is over Int values", Assert.Throws<ArgumentException>(() =>
            Hyperparameter.Double("bad", 1, SearchDistribution.Choice(1, 2), NumericRange.Positive, "")).Message);
        Assert.Contains("must be in (0, inf), got default 0", Assert.Throws<ArgumentException>(() =>
            Hyperparameter.Double("bad", 0, SearchDistribution.Fixed, NumericRange.Positive, "")).Message);
    }

    [Fact]
    public void HelpStatesDefaultAndSearch()
    {
        var space = HyperparameterSpace.For("ham", "clip");
        Assert.Equal("lr (a number in (0, inf)): learning rate; default 5e-06, search {5e-06, 1e-05}", space.Parameters[0].Describe());
        Assert.Equal("batch_size (an integer in [1, inf)): images per source domain per step; default 32, search 2**U(3, 5.5)",
            HyperparameterSpace.For("erm", "resnet").Parameters[2].Describe());
    }
}
