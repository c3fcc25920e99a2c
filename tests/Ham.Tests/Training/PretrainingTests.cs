using Ham.Clip.Checkpoints;
using Ham.Data.Synthetic;
using Ham.Torch;
using Ham.Training.Pretraining;

namespace Ham.Tests.Training;

public class PretrainingTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-pretrain").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A few steps on a tiny corpus: the file loads as a CLIP whose shape is inferred from its
    /// weights, the contrastive loss falls over the steps, and the same data and options
    /// reuse the file while other options retrain it.
    /// </summary>
    [Fact]
    public void TinyClipLoadsLikeAReleasedOneAndIsReused()
    {
        new SyntheticBenchmark(Size: 32, PerClass: 1, CorpusPerClass: 1).Generate(_dir);
        string captions = SyntheticBenchmark.CorpusCaptions(_dir), output = Path.Combine(_dir, "tiny.safetensors");
        var options = new PretrainingOptions { Vision = "vit", Steps = 12, Batch = 8, Width = 64, Layers = 1, TextWidth = 64, TextLayers = 1, EmbedDim = 32 };
        var losses = new List<double>();
        Assert.True(ContrastivePretraining.Run(captions, output, options, (_, loss) => losses.Add(loss)));
        Assert.Equal(12, losses.Count);
        Assert.True(losses.Skip(8).Average() < losses.Take(4).Average(), $"loss did not fall: {string.Join(", ", losses)}");

        using (var clip = ClipCheckpoint.Load(output))
        {
            Assert.Equal(32, clip.Config.ImageResolution);
            Assert.Equal(8, clip.Config.PatchSize);
            Assert.Equal(16, clip.Config.ContextLength);
            Assert.Equal(32, clip.Config.EmbedDim);
        }
        Assert.False(ContrastivePretraining.Run(captions, output, options));
        Assert.True(ContrastivePretraining.Run(captions, output, options with { Steps = 2 }));
    }

    /// <summary>--vision resnet makes a ModifiedResNet CLIP (one block per stage) that loads with its shape inferred.</summary>
    [Fact]
    public void ResNetTinyClipLoadsAsAModifiedResNet()
    {
        new SyntheticBenchmark(Size: 32, PerClass: 1, CorpusPerClass: 1).Generate(_dir);
        string output = Path.Combine(_dir, "rn.safetensors");
        var options = new PretrainingOptions { Vision = "resnet", ResNetWidth = 8, Steps = 2, Batch = 4, TextWidth = 64, TextLayers = 1, EmbedDim = 32 };
        Assert.True(ContrastivePretraining.Run(SyntheticBenchmark.CorpusCaptions(_dir), output, options));
        using var clip = ClipCheckpoint.Load(output);
        Assert.False(clip.Config.IsVisionTransformer);
        Assert.Equal([1, 1, 1, 1], clip.Config.VisionLayers);
        Assert.Equal(8, clip.Config.VisionWidth);
        Assert.Equal(32, clip.Config.ImageResolution);
        var error = Assert.Throws<ArgumentException>(() => ContrastivePretraining.Run(SyntheticBenchmark.CorpusCaptions(_dir), output, options with { Vision = "mlp" }));
        Assert.Contains("'mlp'", error.Message);
    }
}
