using System.Text.Json.Nodes;
using Ham.Tests.Cli;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Training;
using Ham.Training.Hyperparameters;

namespace Ham.Tests.Training;

/// <summary>Short training runs of the fixture's tiny CLIP on PACS-mini (32 px).</summary>
[Collection(nameof(ConsoleCapture))]
public class TrainerTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-train").FullName;
    static readonly string Model = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    TrainingOptions Options(string name, string method = "ham", int steps = 6) => new()
    {
        DataDir = SharedData.Path("data", "PACS-mini"), TestDomain = "sketch", ModelPath = Model, OutDir = Path.Combine(_dir, name),
        Method = method, EvalEvery = 3, CheckpointEvery = 2, Seed = 5, Hyperparameters = Hparams(("steps", $"{steps}"), ("batch_size", "4"), ("lr", "1e-4")),
    };

    static SortedDictionary<string, string> Hparams(params (string Name, string Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value), StringComparer.Ordinal);

    static TrainingOptions With(TrainingOptions options, string name, string value)
    {
        var hyperparameters = new SortedDictionary<string, string>(options.Hyperparameters.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal) { [name] = value };
        return options with { Hyperparameters = hyperparameters };
    }

    static JsonObject Train(TrainingOptions options)
    {
        using var trainer = new Trainer(options);
        return trainer.Run();
    }

    [Fact]
    public void MergedModelEqualsHamMergeOfTheSavedSourceModels()
    {
        var results = Train(Options("ham"));
        Assert.InRange(results["test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.Equal("historical", results["delivered"]!.GetValue<string>());
        Assert.Equal(results["variants"]!["historical"]!["test"]!.GetValue<double>(), results["test_accuracy"]!.GetValue<double>());
        string run = Path.Combine(_dir, "ham");
        var sources = Directory.GetFiles(Path.Combine(run, "sources")).Order().ToArray();
        Assert.Equal(["art_painting.safetensors", "cartoon.safetensors", "photo.safetensors"], sources.Select(Path.GetFileName));
        var (code, output) = ConsoleCapture.Run(["merge", "--method", "rhm", "--trim", "0.2", "--base", Model, "--models", .. sources, "--out", Path.Combine(_dir, "merged.safetensors")]);
        Assert.True(code == 0, output);

        using var scope = new DisposeScope();
        var trained = SafetensorsFile.Load(Path.Combine(run, "model.safetensors"));
        var merged = SafetensorsFile.Load(Path.Combine(_dir, "merged.safetensors"));
        Assert.Equal(trained.Keys.Order(), merged.Keys.Order());
        // `ham merge` writes in the base's dtype (the fixture is fp16); the trainer keeps fp32.
        foreach (var (name, tensor) in trained)
            Assert.True(tensor.To(merged[name].DType).Contiguous().Bytes.SequenceEqual(merged[name].Bytes), name);
        // Training moved the vision encoder and left the text tower alone.
        var start = Ham.Clip.Checkpoints.ClipCheckpoint.ReadStateDict(Model);
        Assert.True((trained["visual.proj"] - start["visual.proj"].To(DType.Float32)).Abs().Max().Item() > 0);
        Assert.Equal(0, (trained["text_projection"] - start["text_projection"].To(DType.Float32)).Abs().Max().Item());
    }

    [Fact]
    public void ARunKilledAndResumedEndsWithTheSameBits()
    {
        Train(Options("straight"));
        var killed = Options("resumed") with { StopAfter = 3 };     // dies after step 3; last checkpoint at step 2
        Train(killed);
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(killed.OutDir, "checkpoint", "state.json")))!["step"]!.GetValue<int>());
        Train(killed with { StopAfter = null, Resume = true });

        foreach (string file in new[] { "model.safetensors", "sources/cartoon.safetensors", "log.jsonl" })
            Assert.True(FilesEqual(Path.Combine(_dir, "straight", file), Path.Combine(killed.OutDir, file)), file);
        var a = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "straight", "results.json")))!;
        var b = JsonNode.Parse(File.ReadAllText(Path.Combine(killed.OutDir, "results.json")))!;
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
    }

    [Fact]
    public void ResumeWithOtherOptionsIsRefusedNamingTheOption()
    {
        var killed = Options("changed") with { StopAfter = 2 };
        Train(killed);
        var error = Assert.Throws<ArgumentException>(() => Train(With(killed, "lr", "2e-4") with { StopAfter = null, Resume = true }));
        Assert.Contains("lr = 0.0001", error.Message);
        Assert.Contains("run.json", error.Message);
    }

    /// <summary>The log's per-step seconds differ between runs; everything else must not.</summary>
    static bool FilesEqual(string a, string b) => a.EndsWith(".jsonl")
        ? File.ReadLines(a).Select(WithoutSeconds).SequenceEqual(File.ReadLines(b).Select(WithoutSeconds))
        : File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));

    static string WithoutSeconds(string line)
    {
        var record = JsonNode.Parse(line)!.AsObject();
        record.Remove("seconds");
        return record.ToJsonString();
    }

    /// <summary>`ham train`'s flags reach the run's options and hyperparameters (run.json); flags left out take the defaults.</summary>
    [Fact]
    public void TrainFlagsReachTheRunOptions()
    {
        string run = Path.Combine(_dir, "cli");
        var (code, output) = ConsoleCapture.Run(["train", "--data", SharedData.Path("data", "PACS-mini"), "--test-domain", "photo", "--model", Model,
            "--out", run, "--method", "per-source", "--steps", "1", "--batch", "2", "--lr", "2e-4", "--merge", "ties", "--eval-every", "1",
            "--average", "on", "--hparam", "density=0.3", "--trial-seed", "3"]);
        Assert.True(code == 0, output);
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!;
        var options = description["options"]!;
        var hyperparameters = description["hyperparameters"]!;
        Assert.Equal("per-source", options["Method"]!.GetValue<string>());
        Assert.Equal(1, hyperparameters["steps"]!.GetValue<int>());
        Assert.Equal(2, hyperparameters["batch_size"]!.GetValue<int>());
        Assert.Equal(2e-4, hyperparameters["lr"]!.GetValue<double>());
        Assert.Equal("ties", hyperparameters["merge"]!.GetValue<string>());
        Assert.Equal(0.3, hyperparameters["density"]!.GetValue<double>());
        Assert.True(hyperparameters["average"]!.GetValue<bool>());
        Assert.Equal(3, options["TrialSeed"]!.GetValue<int>());
        Assert.Equal(TrainingOptions.Defaults.CheckpointEvery, options["CheckpointEvery"]!.GetValue<int>());
        // Left out: the registry's default for per-source on a CLIP.
        Assert.Equal(HyperparameterSpace.For("per-source", "clip").Defaults().Double("trim"), hyperparameters["trim"]!.GetValue<double>());
    }

    /// <summary>--image-size resamples the position grid (the fixture is 32 px, patch 8) and trains and saves at that size.</summary>
    [Fact]
    public void ImageSizeTrainsAndSavesAtTheRequestedResolution()
    {
        var options = Options("size48", "per-source", steps: 1) with { EvalEvery = 1, ImageSize = 48 };
        Train(options);
        using var clip = Ham.Clip.Checkpoints.ClipCheckpoint.Load(Path.Combine(options.OutDir, "model.safetensors"));
        Assert.Equal(48, clip.Config.ImageResolution);
    }

    /// <summary>The ModifiedResNet fixture's batch-norm running statistics stay frozen unless --batch-norm train.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchNormStatisticsMoveOnlyWhenAsked(bool trainBatchNorm)
    {
        string resnet = SharedData.Path("fixtures", "clip", "rn-tiny", "openai.safetensors");
        var options = Options($"bn-{trainBatchNorm}", steps: 1) with { ModelPath = resnet, EvalEvery = 1, TrainBatchNorm = trainBatchNorm };
        Train(options);
        using var scope = new DisposeScope();
        var start = Ham.Clip.Checkpoints.ClipCheckpoint.ReadStateDict(resnet);
        var trained = SafetensorsFile.Load(Path.Combine(options.OutDir, "sources", "photo.safetensors"));
        double moved = (trained["visual.bn1.running_mean"] - start["visual.bn1.running_mean"].To(DType.Float32)).Abs().Max().Item();
        Assert.Equal(trainBatchNorm, moved > 0);
    }

    /// <summary>
    /// With batch norm training, the merged model's running statistics are the sources' Gaussian
    /// mixture (equal counts: w_i = 1/3): mean = sum w_i mu_i, var = sum w_i (var_i + (mu_i - mean)^2),
    /// computed here by hand from the saved sources; with `bn_statistics=merge` the merge method
    /// (here the plain average) takes them as weights, var = sum w_i var_i, without the spread.
    /// </summary>
    [Theory]
    [InlineData("mixture")]
    [InlineData("merge")]
    public void TrainedBatchNormStatisticsMergeAsTheSourcesMixture(string statistics)
    {
        string resnet = SharedData.Path("fixtures", "clip", "rn-tiny", "openai.safetensors");
        var options = With(With(Options($"bn-{statistics}", "per-source", steps: 2) with { ModelPath = resnet, EvalEvery = 2, TrainBatchNorm = true },
            "merge", "average"), "bn_statistics", statistics);
        Train(options);
        using var scope = new DisposeScope();
        var merged = SafetensorsFile.Load(Path.Combine(options.OutDir, "model.safetensors"));
        var sources = Directory.GetFiles(Path.Combine(options.OutDir, "sources")).Order().Select(SafetensorsFile.Load).ToList();
        const string layer = "visual.bn1";
        var means = sources.Select(s => s[$"{layer}.running_mean"].To(DType.Float64)).ToList();
        var mean = (means[0] + means[1] + means[2]) / 3;
        var meanOfVariances = sources.Select(s => s[$"{layer}.running_var"].To(DType.Float64)).Aggregate((a, b) => a + b) / 3;
        var spread = means.Select(m => (m - mean).Square()).Aggregate((a, b) => a + b) / 3;
        double scale = meanOfVariances.Abs().Max().Item();
        Assert.True(spread.Max().Item() > 1e-4 * scale, "the sources' statistics should differ");
        var variance = statistics == "mixture" ? meanOfVariances + spread : meanOfVariances;
        Assert.InRange((merged[$"{layer}.running_mean"].To(DType.Float64) - mean).Abs().Max().Item(), 0, 1e-6 * mean.Abs().Max().Item());
        Assert.InRange((merged[$"{layer}.running_var"].To(DType.Float64) - variance).Abs().Max().Item(), 0, 1e-6 * scale);
        if (statistics == "mixture")
            Assert.Equal(sources.Sum(s => s[$"{layer}.num_batches_tracked"].ItemLong()), merged[$"{layer}.num_batches_tracked"].ItemLong());
    }

    [Theory]
    [InlineData("erm")]
    [InlineData("per-source")]
    public void BaselinesWriteResultsAndTheRunFolder(string method)
    {
        var options = Options(method, method, steps: 2) with { EvalEvery = 2 };
        var results = Train(options);
        foreach (string key in new[] { "test_accuracy", "val_accuracy", "zero_shot_accuracy" })
            Assert.InRange(results[key]!.GetValue<double>(), 0, 1);
        // Baselines deliver their final weights unless --average on.
        Assert.Equal("final", results["delivered"]!.GetValue<string>());
        Assert.Equal(results["variants"]!["final"]!["val"]!.GetValue<double>(), results["val_accuracy"]!.GetValue<double>());
        Assert.Equal(4, results["per_domain"]!.AsObject().Count);
        foreach (string file in new[] { "run.json", "log.jsonl", "split.json", "model.safetensors", "losses.svg" })
            Assert.True(File.Exists(Path.Combine(options.OutDir, file)), file);
        var log = File.ReadLines(Path.Combine(options.OutDir, "log.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        int perStep = method == "erm" ? 1 : 3;
        Assert.Equal(2 * perStep, log.Count(r => r!["source"] is not null));
        // No enrichment and no sign loss outside HAM; ERM's batch is every source's batch.
        Assert.All(log.Where(r => r!["source"] is not null), r =>
        {
            Assert.Null(r!["enriched"]);
            Assert.Null(r["sign"]);
            Assert.Equal(method == "erm" ? 12 : 4, r["batch"]!.GetValue<int>());
        });
    }
}
