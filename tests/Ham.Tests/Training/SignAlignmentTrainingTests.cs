using System.Text.Json.Nodes;
using Ham.Training;

namespace Ham.Tests.Training;

/// <summary>
/// OPA's forms in training: HAM on the synthetic benchmark with the fixture's tiny CLIP (20 steps,
/// batch 4, lr 1e-4, seed 3), at lambda 0 and at lambda 10.
/// </summary>
public class SignAlignmentTrainingTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-opa").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Train(string name, string opa, string lambda)
    {
        var options = new TrainingOptions
        {
            DataDir = data.Folder, TestDomain = "cartoon", ModelPath = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"),
            OutDir = Path.Combine(dir, name), Method = "ham", EvalEvery = 20, CheckpointEvery = 20, Seed = 3,
            Hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["steps"] = "20", ["batch_size"] = "4", ["lr"] = "1e-4", ["opa"] = opa, ["lambda"] = lambda,
            },
        };
        using var trainer = new Trainer(options);
        trainer.Run();
        return options.OutDir;
    }

    static List<JsonNode> SourceRecords(string run) => File.ReadLines(Path.Combine(run, "log.jsonl")).Select(l => JsonNode.Parse(l)!)
        .Where(r => r["source"] is not null).ToList();

    static double ConflictFraction(string run) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["sign_conflict_fraction"]!.GetValue<double>();

    [Fact]
    public void ElementwiseActsAndLowersTheSourcesSignConflicts()
    {
        string off = Train("off", "elementwise", "0"), on = Train("elementwise", "elementwise", "10");

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(off, "model.safetensors")), File.ReadAllBytes(Path.Combine(on, "model.safetensors")));
        // Off, nothing is computed and the log says so; on, hinges open on a share of the entries
        // from step 2 (at step 1 every update is zero).
        Assert.All(SourceRecords(off), r => Assert.Equal(0.0, r["sign_active"]!.GetValue<double>()));
        var active = SourceRecords(on).Where(r => r["step"]!.GetValue<int>() > 1).Select(r => r["sign_active"]!.GetValue<double>()).ToList();
        Assert.Equal(19 * 3, active.Count);
        Assert.All(active, a => Assert.InRange(a, 1e-3, 0.5));
        Assert.All(SourceRecords(on).Where(r => r["step"]!.GetValue<int>() == 1), r => Assert.Equal(0.0, r["sign_active"]!.GetValue<double>()));

        double conflictsOff = ConflictFraction(off), conflictsOn = ConflictFraction(on);
        Assert.InRange(conflictsOff, 0.05, 0.95);
        Assert.True(conflictsOn < conflictsOff, $"sign conflicts: {conflictsOn:R} at lambda 10, {conflictsOff:R} at lambda 0");
    }

    /// <summary>
    /// The measurement: the printed form's hinges never open on this data, so lambda 10
    /// trains the same bits as lambda 0 (the log shows it, which is what `sign_active` is for).
    /// </summary>
    [Fact]
    public void LayerDotNeverOpensHereAndTrainsTheSameBitsAsLambdaZero()
    {
        string off = Train("off", "layer-dot", "0"), on = Train("layer-dot", "layer-dot", "10");
        Assert.All(SourceRecords(on), r =>
        {
            Assert.Equal(0.0, r["sign"]!.GetValue<double>());
            Assert.Equal(0.0, r["sign_active"]!.GetValue<double>());
        });
        Assert.Equal(File.ReadAllBytes(Path.Combine(off, "model.safetensors")), File.ReadAllBytes(Path.Combine(on, "model.safetensors")));
        Assert.Equal(ConflictFraction(off), ConflictFraction(on));
    }
}
