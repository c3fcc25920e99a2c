using System.Text.Json.Nodes;
using Ham.Data.Synthetic;
using Ham.Torch;
using Ham.Training;
using Ham.Training.Algorithms;
using Ham.Training.Hyperparameters;
using Ham.Vision;

namespace Ham.Tests.Training;

/// <summary>
/// The synthetic benchmark at 32 px, drawn once for the registry's tests, and a small
/// torchvision-named ResNet (BasicBlocks, one per stage, seeded weights, 1000 ImageNet classes).
/// </summary>
public sealed class SyntheticData : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("ham-synthetic").FullName;

    public SyntheticData()
    {
        new SyntheticBenchmark(Size: 32, PerClass: 5).Generate(root);
        Folder = SyntheticBenchmark.BenchmarkFolder(root);
        ResNet = Path.Combine(root, "resnet10.safetensors");
        using var generator = new Generator(7);
        using var resnet = new ResNet(new ResNetArchitecture(ResNetBlockKind.Basic, [1, 1, 1, 1], 1000), generator);
        ResNetCheckpoint.Save(resnet, ResNet);
    }

    public string Folder { get; }

    public string ResNet { get; }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

/// <summary>
/// Every registered algorithm on every backbone, driven from the registry (as DomainBed's tests
/// iterate ALGORITHMS): a new algorithm is covered without editing this file.
/// </summary>
public class AlgorithmRegistryTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-algorithms").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string algorithm in AlgorithmRegistry.Names)
            foreach (string backbone in new[] { "clip", "resnet" })
                if (backbone != "resnet" || algorithm != "clipood")   // CLIPood's loss needs class text embeddings
                    cases.Add(algorithm, backbone);
        return cases;
    }

    TrainingOptions Options(string algorithm, string backbone, string name) => new()
    {
        DataDir = data.Folder, TestDomain = "cartoon", ModelPath = backbone == "clip" ? SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors") : data.ResNet,
        ImageSize = 32, OutDir = Path.Combine(dir, name), Method = algorithm, EvalEvery = 3, CheckpointEvery = 2, Seed = 3,
        Hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["steps"] = "3", ["batch_size"] = "4", ["lr"] = "1e-4" },
    };

    static JsonObject Train(TrainingOptions options)
    {
        using var trainer = new Trainer(options);
        return trainer.Run();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThreeStepsWriteARunFolderAndResumeBitExactly(string algorithm, string backbone)
    {
        var straight = Options(algorithm, backbone, "straight");
        var results = Train(straight);
        foreach (string file in new[] { "run.json", "split.json", "log.jsonl", "model.safetensors", "results.json", "losses.svg" })
            Assert.True(File.Exists(Path.Combine(straight.OutDir, file)), file);
        Assert.Equal(algorithm, results["method"]!.GetValue<string>());
        Assert.InRange(results["test_accuracy"]!.GetValue<double>(), 0, 1);
        // run.json records every hyperparameter of the algorithm's space by name.
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(straight.OutDir, "run.json")))!["hyperparameters"]!.AsObject();
        Assert.Equal(HyperparameterSpace.For(algorithm, backbone).Names.Order(), recorded.Select(p => p.Key).Order());
        var steps = File.ReadLines(Path.Combine(straight.OutDir, "log.jsonl")).Select(l => JsonNode.Parse(l)!)
            .Where(r => r["source"] is not null).Select(r => r["step"]!.GetValue<int>()).Distinct();
        Assert.Equal([1, 2, 3], steps);

        var killed = Options(algorithm, backbone, "resumed") with { StopAfter = 2 };
        Train(killed);
        Assert.False(File.Exists(Path.Combine(killed.OutDir, "results.json")));
        Train(killed with { StopAfter = null, Resume = true });
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight.OutDir, "model.safetensors")), File.ReadAllBytes(Path.Combine(killed.OutDir, "model.safetensors")));
        Assert.Equal(LogWithoutSeconds(straight.OutDir), LogWithoutSeconds(killed.OutDir));
        Assert.Equal(File.ReadAllText(Path.Combine(straight.OutDir, "results.json")), File.ReadAllText(Path.Combine(killed.OutDir, "results.json")));
    }

    static IEnumerable<string> LogWithoutSeconds(string run) => File.ReadLines(Path.Combine(run, "log.jsonl")).Select(line =>
    {
        var record = JsonNode.Parse(line)!.AsObject();
        record.Remove("seconds");
        return record.ToJsonString();
    }).ToList();

    [Fact]
    public void AnUnknownMethodIsRefusedListingTheRegisteredOnes()
    {
        Assert.Contains("unknown training method 'sgd'; the methods are ham, per-source", Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Get("sgd")).Message);
    }
}
