using Ham.Merging;
using Ham.Merging.Inspection;
using Ham.Tests.Cli;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Merging;

/// <summary>
/// `ham merge inspect`'s measures against whole-tensor libtorch computations on random state
/// dicts with exact zeros, equal magnitudes, a frozen tensor and one a model left alone:
/// norms, cosines, sign conflicts (all entries, and the entries RHM's trim keeps), and the
/// fractions RHM's and TIES's thresholds keep, per group and for the whole model.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class UpdateStatisticsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-inspect").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly float[] Steps = [-1, -0.5f, 0, 0, 0.25f, 0.5f, 1, 2];

    static readonly (string Name, long[] Shape)[] Layout =
    [
        ("visual.transformer.resblocks.0.attn.in_proj_weight", [6, 5]), ("visual.transformer.resblocks.0.ln_1.bias", [5]),
        ("visual.transformer.resblocks.1.mlp.c_fc.weight", [4, 5]), ("visual.ln_post.weight", [5]), ("visual.frozen", [7]), ("visual.left", [9]),
    ];

    static (Dictionary<string, Tensor> Base, List<IReadOnlyDictionary<string, Tensor>> Models) States(int seed)
    {
        var random = new System.Random(seed);
        var theta0 = Layout.ToDictionary(l => l.Name, l => Tensor.FromArray(Enumerable.Range(0, (int)l.Shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)random.NextDouble()).ToArray(), l.Shape));
        var models = new List<IReadOnlyDictionary<string, Tensor>>();
        for (int m = 0; m < 3; m++)
            models.Add(theta0.ToDictionary(p => p.Key, p => p.Key == "visual.frozen" || (p.Key == "visual.left" && m == 0) ? p.Value.Clone()
                : p.Value + Tensor.FromArray(Enumerable.Range(0, (int)p.Value.NumEl).Select(_ => Steps[random.Next(Steps.Length)]).ToArray(), p.Value.Shape)));
        return (theta0, models);
    }

    [Fact]
    public void MeasuresEqualWholeTensorComputations()
    {
        using var scope = new DisposeScope();
        var (theta0, models) = States(3);
        const double Trim = 0.4, Density = 0.3;
        var statistics = UpdateStatistics.Of(theta0, models, Trim, Density);

        string[] changed = Layout.Select(l => l.Name).Where(n => n != "visual.frozen").ToArray();
        Tensor Delta(int i, string n) => models[i][n] - theta0[n];
        float? Threshold(int i, long rank) => rank == 0 ? null
            : (float)Tensor.Cat(changed.Select(n => Delta(i, n).Abs().Flatten()).Where(t => t.Max().Item() > 0).ToArray()).KthValue(rank).Values.Item();
        long Count(int i) => changed.Where(n => Delta(i, n).Abs().Max().Item() > 0).Sum(n => theta0[n].NumEl);
        var trimThresholds = Enumerable.Range(0, 3).Select(i => Threshold(i, (long)(Count(i) * Trim))).ToArray();
        var tiesThresholds = Enumerable.Range(0, 3).Select(i => Threshold(i, Count(i) - (long)(Count(i) * Density))).ToArray();
        Assert.Equal(trimThresholds, statistics.TrimThresholds);
        Assert.Equal(tiesThresholds, statistics.TiesThresholds);

        var expectedGroups = new (string Group, string[] Names)[]
        {
            (UpdateStatistics.WholeModel, changed),
            ("visual.transformer.resblocks.0", changed[..2]), ("visual.transformer.resblocks.1", changed[2..3]), ("visual.ln_post", changed[3..4]), ("visual", changed[4..]),
        };
        Assert.Equal(expectedGroups.Select(g => g.Group), statistics.Groups.Select(g => g.Group));
        foreach (var (group, names) in expectedGroups)
        {
            var actual = statistics.Groups.Single(g => g.Group == group);
            var v = Tensor.Stack(Enumerable.Range(0, 3).Select(i => Tensor.Cat(names.Select(n => Delta(i, n).Flatten()).ToArray()).To(DType.Float64)).ToArray());
            long entries = v.Size(1);
            Assert.Equal(entries, actual.Entries);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(v.Select(0, i).Norm().Item(), actual.Norms[i], 12);
                for (int j = 0; j < 3; j++)
                {
                    double norms = v.Select(0, i).Norm().Item() * v.Select(0, j).Norm().Item();
                    double expected = norms > 0 ? (v.Select(0, i) * v.Select(0, j)).Sum().Item() / norms : 0; // 0 for a model that left the group alone
                    Assert.Equal(expected, actual.Cosines[i, j], 12);
                }
                var magnitude = v.Select(0, i).Abs().To(DType.Float32);
                Assert.Equal(magnitude.Gt(trimThresholds[i]!.Value).Sum().Item() / entries, actual.TrimKeptFraction[i], 12);
                Assert.Equal(magnitude.Ge(tiesThresholds[i]!.Value).Sum().Item() / entries, actual.TiesKeptFraction[i], 12);
            }
            var conflicts = v.Gt(0).AnyModel().LogicalAnd(v.Lt(0).AnyModel());
            Assert.Equal(conflicts.Sum().Item() / entries, actual.SignConflictFraction, 12);
            var keep = Tensor.Stack(Enumerable.Range(0, 3).Select(i => v.Select(0, i).Abs().To(DType.Float32).Gt(trimThresholds[i]!.Value)).ToArray());
            var kept = v * keep.To(DType.Float64);
            var keptConflicts = kept.Gt(0).AnyModel().LogicalAnd(kept.Lt(0).AnyModel());
            Assert.Equal(keptConflicts.Sum().Item() / keep.AnyModel().Sum().Item(), actual.KeptSignConflictFraction, 12);
        }
        Assert.InRange(statistics.SignConflictFraction, 0.05, 0.95); // the data has both agreeing and conflicting entries
    }

    [Fact]
    public void CommandPrintsTablesAndWritesTheCsvAndHeatMap()
    {
        using var scope = new DisposeScope();
        var (theta0, models) = States(4);
        string basePath = Path.Combine(_dir, "base.safetensors");
        SafetensorsWriter.Save(basePath, theta0);
        var paths = models.Select((m, i) => Path.Combine(_dir, $"source{i}.safetensors")).ToArray();
        for (int i = 0; i < models.Count; i++) SafetensorsWriter.Save(paths[i], models[i]);
        var (code, output) = ConsoleCapture.Run(["merge", "inspect", "--base", basePath, "--models", .. paths, "--out", Path.Combine(_dir, "report")]);
        Assert.True(code == 0, output);
        // The tables go through Spectre's console, which the capture does not always see; the CSV holds the same rows.
        Assert.Contains($"wrote {Path.Combine(_dir, "report", "inspection.csv")}", output);
        var csv = File.ReadAllLines(Path.Combine(_dir, "report", "inspection.csv"));
        Assert.Equal(1 + 5 * 3, csv.Length); // header + (whole model + 4 groups) x 3 models
        Assert.StartsWith("group,model,entries,update_norm", csv[0]);
        Assert.Contains(csv, line => line.StartsWith("visual.transformer.resblocks.1,source2.safetensors,20,"));
        string svg = File.ReadAllText(Path.Combine(_dir, "report", "cosines.svg"));
        Assert.Equal(9, svg.Split("<rect x=").Length - 1); // 3 x 3 cells
        Assert.Contains("source2.safetensors", svg);
    }
}

static class ModelAxis
{
    /// <summary>Per entry: whether any model (dim 0) is true.</summary>
    public static Tensor AnyModel(this Tensor flags) => flags.To(DType.Float32).Sum(0L).Gt(0);
}
