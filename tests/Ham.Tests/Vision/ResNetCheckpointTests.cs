using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Vision;

namespace Ham.Tests.Vision;

/// <summary>Architecture inference from torchvision names, saving and loading, and what is refused.</summary>
public class ResNetCheckpointTests
{
    public static TheoryData<int> Depths => [18, 34, 50, 101];

    [Theory]
    [MemberData(nameof(Depths))]
    public void DepthBlockAndClassesAreInferredFromTheWeights(int depth)
    {
        var (block, layers) = ResNetArchitecture.TorchvisionDepths[depth];
        using var generator = new Generator(1);
        using var model = new ResNet(block, layers, 7, generator);
        var inferred = ResNetArchitecture.FromStateDict(model.StateDict(), $"resnet{depth}");
        Assert.Equal(depth, inferred.Depth);
        Assert.Equal(block, inferred.Block);
        Assert.Equal(layers, inferred.Layers);
        Assert.Equal(7, inferred.NumClasses);
        Assert.True(inferred.IsTorchvisionDepth);
        Assert.Equal($"ResNet-{depth} (7 classes)", inferred.Describe());
    }

    [Fact]
    public void TorchvisionNamesAreKept()
    {
        using var generator = new Generator(2);
        using var model = new ResNet(ResNetArchitecture.ForDepth(50), generator);
        var names = model.StateDict().Keys.ToList();
        // resnet50().state_dict() has 320 entries: 161 parameters, 159 batch-norm buffers.
        Assert.Equal(320, names.Count);
        Assert.Equal(["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked"], names.Take(6));
        Assert.Contains("layer1.0.downsample.0.weight", names);
        Assert.Contains("layer4.2.bn3.running_var", names);
        Assert.DoesNotContain("layer1.1.downsample.0.weight", names);
        Assert.Equal(["fc.weight", "fc.bias"], names.TakeLast(2));
        Assert.Equal([1000, 2048], model.StateDict()["fc.weight"].Shape);
    }

    [Fact]
    public void OtherStageCountsAreDescribedByTheirLayers()
    {
        using var generator = new Generator(3);
        using var model = new ResNet(ResNetBlockKind.Basic, [1, 1, 2, 1], 4, generator);
        var inferred = ResNetArchitecture.FromStateDict(model.StateDict(), "small");
        Assert.Equal([1, 1, 2, 1], inferred.Layers);
        Assert.False(inferred.IsTorchvisionDepth);
        Assert.Equal("ResNet with layers [1, 1, 2, 1] of BasicBlock (4 classes)", inferred.Describe());
        Assert.Equal([18, 34, 50, 101, 152], ResNetArchitecture.TorchvisionDepths.Keys.Order());
    }

    [Fact]
    public void SavedSafetensorsLoadBackWithTheSameNamesAndValues()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(4);
        using var model = new ResNet(ResNetBlockKind.Basic, [2, 2, 2, 2], 5, generator);
        string path = Path.Combine(Path.GetTempPath(), $"ham-resnet-{Guid.NewGuid():N}.safetensors");
        try
        {
            ResNetCheckpoint.Save(model, path);
            var stored = SafetensorsFile.Load(path);
            Assert.Equal(model.StateDict().Keys, stored.Keys);
            using var loaded = ResNetCheckpoint.Load(path);
            Assert.Equal("ResNet-18 (5 classes)", loaded.Architecture.Describe());
            foreach (var (name, tensor) in model.StateDict())
                Assert.True(tensor.Eq(loaded.StateDict()[name]).All().Item() == 1, name);
            var images = Ham.Torch.Random.Normal([2, 3, 64, 64], generator);
            using (LibTorch.NoGrad())
                Assert.True(model.Forward(images).Eq(loaded.Forward(images)).All().Item() == 1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ClipCheckpointIsRefusedNamingTheFile()
    {
        string clip = SharedData.Path("fixtures", "clip", "rn-tiny", "openai.safetensors");
        var error = Assert.Throws<InvalidDataException>(() => ResNetCheckpoint.Load(clip));
        Assert.Contains(clip, error.Message);
        Assert.Contains("not a torchvision ResNet", error.Message);
        Assert.Contains("'conv1.weight' is missing", error.Message);
        Assert.Contains("CLIP", error.Message);
    }

    [Fact]
    public void MissingTensorIsNamedWithTheFile()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(5);
        using var model = new ResNet(ResNetBlockKind.Basic, [2, 2, 2, 2], 3, generator);
        var state = new Dictionary<string, Tensor>(model.StateDict());
        state.Remove("layer3.0.downsample.0.weight");
        string path = Path.Combine(Path.GetTempPath(), $"ham-resnet-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsWriter.Save(path, state);
            var error = Assert.Throws<InvalidDataException>(() => ResNetCheckpoint.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("missing keys: layer3.0.downsample.0.weight", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void HeadOfTheWrongWidthIsRefused()
    {
        using var scope = new DisposeScope();
        var state = new Dictionary<string, Tensor>
        {
            ["conv1.weight"] = Tensor.Zeros([64, 3, 7, 7]),
            ["fc.weight"] = Tensor.Zeros([10, 512]),
        };
        for (int k = 1; k <= 4; k++)
        {
            state[$"layer{k}.0.conv1.weight"] = Tensor.Zeros([1]);
            state[$"layer{k}.0.conv3.weight"] = Tensor.Zeros([1]);
        }
        var error = Assert.Throws<InvalidDataException>(() => ResNetArchitecture.FromStateDict(state, "wide.pth"));
        Assert.Equal("wide.pth: fc.weight is [10, 512] but a Bottleneck ResNet's head reads 2048 features", error.Message);
    }
}
