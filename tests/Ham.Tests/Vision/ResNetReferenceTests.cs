using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Vision;

namespace Ham.Tests.Vision;

/// <summary>
/// torchvision's resnet18 and resnet50 (random weights from torch.manual_seed, batch-norm tensors
/// perturbed), saved by torch.save and run by PyTorch in Data/make_resnet_reference.py, against
/// Ham's ResNet loaded from that file: the same features and logits in eval mode, the same
/// running statistics, logits and gradient in train mode, and the same initial weights from the
/// same seed.
/// </summary>
public class ResNetReferenceTests
{
    // arch -> the seed the script gave torch.manual_seed before building it
    public static TheoryData<string, ulong> Architectures => new() { { "resnet18", 18 }, { "resnet50", 50 } };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EvalFeaturesAndLogitsMatchTorchvision(string arch, ulong _)
    {
        using var scope = new DisposeScope();
        using var model = ResNetCheckpoint.Load(ResNetReference.File($"{arch}.pth"));
        var expected = Expected(arch);
        Assert.False(model.Training);
        using (LibTorch.NoGrad())
        {
            var features = model.Features(expected["pixel_values"]);
            AssertClose(expected["features"], features, 1e-4, "features");
            AssertClose(expected["logits"], model.Forward(expected["pixel_values"]), 1e-4, "logits");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void TrainModeBatchNormUpdatesRunningStatisticsAsPyTorch(string arch, ulong _)
    {
        using var scope = new DisposeScope();
        using var model = ResNetCheckpoint.Load(ResNetReference.File($"{arch}.pth"));
        var expected = Expected(arch);
        model.Train();
        var logits = model.Forward(expected["pixel_values"]);
        AssertClose(expected["train_logits"], logits, 1e-4, "train-mode logits");
        Functional.CrossEntropy(logits, expected["labels"]).Backward();
        AssertClose(expected["train_conv1_grad"], model.Conv1.Weight.Grad!, 1e-3, "conv1.weight gradient");
        int buffers = 0;
        foreach (var (name, buffer) in model.NamedBuffers())
        {
            var want = expected[$"train.{name}"];
            if (buffer.DType == DType.Int64) Assert.Equal(want.ItemLong(), buffer.ItemLong());
            else AssertClose(want, buffer, 1e-4, name);
            buffers++;
        }
        Assert.Equal(expected.Keys.Count(k => k.StartsWith("train.", StringComparison.Ordinal)), buffers);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void SeededInitialisationDrawsTorchvisionsWeights(string arch, ulong seed)
    {
        using var scope = new DisposeScope();
        var torchvision = TorchFiles.ReadStateDict(ResNetReference.File($"{arch}.pth"));
        var architecture = ResNetArchitecture.FromStateDict(torchvision, arch);
        using var generator = new Generator(seed);
        using var model = new ResNet(architecture.Block, [.. architecture.Layers], architecture.NumClasses, generator);
        var ours = model.StateDict();
        Assert.Equal(torchvision.Keys.Order(), ours.Keys.Order());
        // The script perturbed every batch-norm tensor; convolutions and fc are torchvision's initial
        // draws, bit for bit (the same libtorch generator and kernels on both sides).
        var drawn = ours.Keys.Where(n => n.Contains("conv") || n.Contains("downsample.0") || n.StartsWith("fc.")).ToList();
        Assert.Equal(architecture.Block == ResNetBlockKind.Bottleneck ? 3 + 3 * 16 + 4 : 3 + 2 * 8 + 3, drawn.Count);
        foreach (var name in drawn)
            Assert.True(torchvision[name].Bytes.SequenceEqual(ours[name].Bytes), $"{name} differs from torchvision's draw");
        foreach (var bn in model.NamedModules().Select(m => m.Module).OfType<Ham.Torch.Modules.BatchNorm2d>())
        {
            Assert.Equal((1.0, 1.0), (bn.Weight.Min().Item(), bn.Weight.Max().Item()));
            Assert.Equal(0.0, bn.Bias.Abs().Max().Item());
        }
    }

    [Fact]
    public void ImageNetStatisticsNormalizeAsTorchvision()
    {
        using var scope = new DisposeScope();
        var expected = Expected("resnet50");
        var images = expected["images"];
        long n = images.Size(0), height = images.Size(1), width = images.Size(2);
        for (int i = 0; i < n; i++)
        {
            var image = new RgbImage((int)width, (int)height, images.Select(0, i).Contiguous().ToArray<byte>());
            var pixels = ImageTensor.Normalized(image, ImageNetStatistics.Mean, ImageNetStatistics.Std);
            AssertClose(expected["pixel_values"].Select(0, i), pixels, 1e-6, $"image {i}");
        }
    }

    static Dictionary<string, Tensor> Expected(string arch) => SafetensorsFile.Load(ResNetReference.File($"{arch}.expected.safetensors"));

    /// <summary>max |actual - expected| at most <paramref name="relative"/> x max |expected|.</summary>
    static void AssertClose(Tensor expected, Tensor actual, double relative, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(DType.Float64);
        double scale = e.Abs().Max().Item();
        double difference = (e - actual.To(DType.Float64)).Abs().Max().Item();
        Assert.True(difference <= relative * scale, $"{what}: max difference {difference:E3} > {relative} x {scale:E3}");
    }
}
