using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Vision;

namespace Ham.Training.Backbones;

/// <summary>
/// A torchvision ResNet-18/34/50/101 (<see cref="ResNetCheckpoint"/>: torch.save state dicts or
/// safetensors) as DomainBed trains it: ImageNet mean and std, batch norm frozen in eval mode
/// unless asked to train, and a linear head over the pooled features. A checkpoint whose fc
/// already has one row per class (a model trained here) keeps its head; otherwise (an ImageNet
/// model) the head is new, nn.Linear's initialisation from the run's seed, so every source starts
/// (given no classes, as `ham embed` without --classes, the checkpoint's head is kept)
/// from the same theta0 and their update vectors share it. A trained state saves as
/// torchvision-named safetensors.
/// </summary>
public sealed class ResNetBackbone : Backbone
{
    readonly ResNetArchitecture architecture;
    readonly Dictionary<string, Tensor> initialState;

    public ResNetBackbone(string modelPath, IReadOnlyDictionary<string, Tensor> state, int classes, BackboneOptions options)
    {
        var stored = ResNetArchitecture.FromStateDict(state, modelPath);
        if (classes == 0) classes = (int)stored.NumClasses;
        HeadIsNew = stored.NumClasses != classes;
        architecture = new ResNetArchitecture(stored.Block, [.. stored.Layers], classes);
        Resolution = options.ImageSize == 0 ? DefaultResolution : options.ImageSize;
        using var generator = new Generator((ulong)options.HeadSeed);
        using var model = new ResNet(architecture, generator);
        var keep = !HeadIsNew ? state : state.Where(p => !p.Key.StartsWith("fc.")).ToDictionary(p => p.Key, p => p.Value);
        var (missing, unexpected) = model.LoadStateDict(keep, strict: false);
        if (unexpected.Count > 0 || missing.Any(name => !name.StartsWith("fc.")))
            throw new InvalidDataException($"{modelPath}: not a torchvision {architecture.Describe()}: missing {string.Join(", ", missing)}; unexpected {string.Join(", ", unexpected)}");
        using (LibTorch.NoGrad())
            initialState = model.StateDict().ToDictionary(p => p.Key, p => p.Value.Detach().Clone().DetachFromScope());
    }

    /// <summary>Whether the head was initialised here (the checkpoint's fc has another class count) rather than read from the checkpoint.</summary>
    public bool HeadIsNew { get; }

    /// <summary>DomainBed's and torchvision's ImageNet input size.</summary>
    const int DefaultResolution = 224;

    public override string Kind => "resnet";

    public override IReadOnlyDictionary<string, Tensor> InitialState => initialState;

    public override int Resolution { get; }

    public override float[] Mean => ImageNetStatistics.Mean;

    public override float[] Std => ImageNetStatistics.Std;

    public override string Describe() => $"torchvision {architecture.Describe()}, {Resolution} px";

    public override ClassifierModel CreateModel(bool trainBatchNorm)
    {
        using var generator = new Generator(0);
        var model = new ResNetClassifier(new ResNet(architecture, generator));
        model.LoadStateDict(initialState);
        model.Train(trainBatchNorm);
        return model;
    }

    public override void Save(IReadOnlyList<(string Path, IReadOnlyDictionary<string, Tensor> State)> models, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (path, state) in models) SafetensorsWriter.Save(path, state, metadata);   // the writer copies device tensors to the host
    }

    public override void Dispose()
    {
        foreach (var t in initialState.Values) t.Dispose();
    }
}
