using Ham.Experiments.DataAwareMerging;
using Ham.Merging;
using Ham.Tests.Training;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Vision;

namespace Ham.Tests.Experiments.DataAwareMerging;

/// <summary>
/// The data-aware merges from checkpoints and images, on the tiny CLIP fixture and a small
/// ResNet: statistics land on the checkpoints' own tensor names (Prepare checks each), and
/// merging a model with itself gives the model back.
/// </summary>
public class DataAwareMergeEndToEndTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-data-aware").FullName;

    /// <summary>A small ResNet whose head fits the synthetic classes, as a fine-tuned one does (the fixture's has ImageNet's 1000).</summary>
    string ResNet
    {
        get
        {
            string path = Path.Combine(dir, "resnet.safetensors");
            if (File.Exists(path)) return path;
            using var generator = new Generator(5);
            using var resnet = new ResNet(new ResNetArchitecture(ResNetBlockKind.Basic, [1, 1, 1, 1], Ham.Data.Datasets.DomainDataset.Open(data.Folder).Classes.Count), generator);
            ResNetCheckpoint.Save(resnet, path);
            return path;
        }
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static string Clip => SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");

    MergeData Images => new(data.Folder, ["photo", "sketch"], "cartoon", Samples: 6, TrialSeed: 0, Device.CPU);

    string MergeSelf(string method, string model, Action<MergeMethod>? check = null)
    {
        var (merge, models) = DataAwareMerges.Prepare(method, [model, model], new MergeOptions().With("seed", 1), Images, _ => { });
        check?.Invoke(merge);
        string output = Path.Combine(dir, $"{method}.safetensors");
        ModelMerger.Merge(merge, null, models, output);
        return output;
    }

    static void SameTensors(string expectedPath, string actualPath, double tolerance)
    {
        var expected = SafetensorsFile.Load(expectedPath);
        var actual = SafetensorsFile.Load(actualPath);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, e) in expected)
        {
            if (!e.DType.IsFloatingPoint()) continue;
            double difference = (actual[name].To(DType.Float64) - e.To(DType.Float64)).Abs().Max().Item();
            Assert.True(difference <= tolerance, $"{name}: differs by {difference}");
        }
    }

    [Theory]
    [InlineData("regmean", "clip", "visual.transformer.resblocks.0.attn.in_proj_weight")]
    [InlineData("regmean", "resnet", "fc.weight")]
    [InlineData("fisher", "clip", "visual.transformer.resblocks.0.mlp.c_fc.weight")]
    [InlineData("fisher", "resnet", "layer1.0.conv1.weight")]
    public void Merging_a_model_with_itself_gives_the_model(string method, string backbone, string statisticName)
    {
        string model = backbone == "clip" ? Clip : ResNet;
        string output = MergeSelf(method, model, merge => Assert.Contains(statisticName, Statistics(merge)));
        SameTensors(model, output, 1e-4);
    }

    static IEnumerable<string> Statistics(MergeMethod merge) => merge switch
    {
        RegMean r => r.Layers,
        FisherMerge f => f.Tensors,
        _ => [],
    };

    /// <summary>The hooks fire and the gradients flow: the statistics of real layers are not the zeros they start as.</summary>
    [Fact]
    public void Statistics_of_the_tiny_CLIP_are_collected()
    {
        using var scope = new DisposeScope();
        var dataset = Ham.Data.Datasets.DomainDataset.Open(data.Folder);
        var sample = new DomainSample(dataset, "photo", 6, 1);
        var grams = RegMeanGrams.Of(Clip, dataset, sample, Device.CPU);
        foreach (string name in new[] { "visual.transformer.resblocks.0.attn.in_proj_weight", "visual.transformer.resblocks.0.mlp.c_proj.weight" })
            Assert.True(grams[name].Diagonal().Sum().Item() > 0, name);
        var fisher = DiagonalFisher.Of(Clip, dataset, sample, Device.CPU);
        Assert.True(fisher["visual.transformer.resblocks.0.mlp.c_fc.weight"].Sum().Item() > 0);
    }

    [Fact]
    public void Greedy_soup_of_a_model_and_itself_keeps_both()
    {
        var (merge, models) = DataAwareMerges.Prepare("greedy-soup", [ResNet, ResNet], new MergeOptions(), Images, _ => { });
        Assert.Equal("average", merge.Name);
        Assert.Equal(2, models.Count);
    }

    [Fact]
    public void Domains_must_name_one_domain_per_model()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            DataAwareMerges.Prepare("regmean", [ResNet, ResNet, ResNet], new MergeOptions(), Images, _ => { }));
        Assert.Contains("--domains", error.Message);
    }
}
