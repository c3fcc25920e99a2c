using System.Text.Json.Nodes;
using Ham.Tests.Cli;
using Ham.Training;

namespace Ham.Tests.Training;

/// <summary>`--precision` and `--device` of training, on this CPU-only machine.</summary>
[Collection(nameof(ConsoleCapture))]
public class PrecisionAndDeviceTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-precision").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    TrainingOptions Options(string name, string precision) => new()
    {
        DataDir = SharedData.Path("data", "PACS-mini"), TestDomain = "sketch", OutDir = Path.Combine(dir, name), Method = "erm",
        ModelPath = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"), EvalEvery = 100, CheckpointEvery = 100, Seed = 1,
        Precision = precision,
        Hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["steps"] = "16", ["batch_size"] = "8", ["lr"] = "1e-3" },
    };

    static double[] CrossEntropies(string run) => File.ReadLines(Path.Combine(run, "log.jsonl")).Select(l => JsonNode.Parse(l)!)
        .Where(r => r["source"] is not null).Select(r => r["ce"]!.GetValue<double>()).ToArray();

    /// <summary>bf16 autocast on the CPU trains: the loss falls, and the weights differ from the fp32 run's (the matmuls did run in bf16).</summary>
    [Fact]
    public void Bf16AutocastTrainsOnTheCpu()
    {
        var bf16 = Options("bf16", "bf16");
        var fp32 = Options("fp32", "fp32");
        using (var trainer = new Trainer(bf16)) trainer.Run();
        using (var trainer = new Trainer(fp32)) trainer.Run();
        var losses = CrossEntropies(bf16.OutDir);
        Assert.True(losses[^4..].Average() < losses[..4].Average() - 0.1, string.Join(", ", losses));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(bf16.OutDir, "model.safetensors")), File.ReadAllBytes(Path.Combine(fp32.OutDir, "model.safetensors")));
        Assert.Equal("bf16", JsonNode.Parse(File.ReadAllText(Path.Combine(bf16.OutDir, "run.json")))!["options"]!["Precision"]!.GetValue<string>());
    }

    [Fact]
    public void AMissingDeviceIsOneLineNamingItAndWhatLibtorchSees()
    {
        var (code, output) = ConsoleCapture.Run("train", "--data", SharedData.Path("data", "PACS-mini"), "--test-domain", "sketch",
            "--model", SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"), "--out", Path.Combine(dir, "cuda"), "--device", "cuda:7");
        Assert.NotEqual(0, code);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cuda:7", line);
        Assert.Contains("sees cpu", line);
        Assert.False(Directory.Exists(Path.Combine(dir, "cuda")));
    }

    [Fact]
    public void Fp16OnTheCpuIsRefusedBeforeAnyWork()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new Trainer(Options("fp16", "fp16")).Dispose());
        Assert.Contains("float16", error.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "fp16")));
    }
}
