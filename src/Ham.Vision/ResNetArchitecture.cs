using Ham.Torch;

namespace Ham.Vision;

/// <summary>
/// The shape of a torchvision ResNet: its block, the number of blocks in each of the four stages
/// and the classes of its linear head. <see cref="FromStateDict"/> infers it from the weights, so a
/// torchvision-named state dict loads without a config.
/// </summary>
public sealed class ResNetArchitecture
{
    /// <summary>torchvision's resnet18 ... resnet152, by depth (convolutions + fc on the longest path).</summary>
    public static IReadOnlyDictionary<int, (ResNetBlockKind Block, int[] Layers)> TorchvisionDepths { get; } =
        new Dictionary<int, (ResNetBlockKind, int[])>
        {
            [18] = (ResNetBlockKind.Basic, [2, 2, 2, 2]),
            [34] = (ResNetBlockKind.Basic, [3, 4, 6, 3]),
            [50] = (ResNetBlockKind.Bottleneck, [3, 4, 6, 3]),
            [101] = (ResNetBlockKind.Bottleneck, [3, 4, 23, 3]),
            [152] = (ResNetBlockKind.Bottleneck, [3, 8, 36, 3]),
        };

    public ResNetArchitecture(ResNetBlockKind block, int[] layers, long numClasses)
    {
        if (layers.Length != 4 || layers.Any(n => n < 1))
            throw new ArgumentException($"a ResNet has four stages of at least one block each, got [{string.Join(", ", layers)}]", nameof(layers));
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a ResNet head needs at least one class");
        Block = block;
        Layers = [.. layers];
        NumClasses = numClasses;
    }

    /// <summary>torchvision's resnet{depth} with a head of <paramref name="numClasses"/>.</summary>
    public static ResNetArchitecture ForDepth(int depth, long numClasses = 1000) =>
        TorchvisionDepths.TryGetValue(depth, out var known)
            ? new ResNetArchitecture(known.Block, known.Layers, numClasses)
            : throw new ArgumentException($"torchvision has no ResNet-{depth}; known depths: {string.Join(", ", TorchvisionDepths.Keys)}", nameof(depth));

    public ResNetBlockKind Block { get; }
    public IReadOnlyList<int> Layers { get; }
    public long NumClasses { get; }

    /// <summary>Convolutions and fc on the longest path: 2 (stem conv + fc) + blocks x convolutions per block.</summary>
    public int Depth => 2 + Layers.Sum() * Block.ConvolutionsPerBlock();

    /// <summary>Width of the pooled features the head reads: 512 x expansion.</summary>
    public long FeatureDim => 512L * Block.Expansion();

    /// <summary>True when this is one of torchvision's named depths (its block and stages).</summary>
    public bool IsTorchvisionDepth =>
        TorchvisionDepths.TryGetValue(Depth, out var known) && known.Block == Block && known.Layers.SequenceEqual(Layers);

    public string Describe()
    {
        string head = $"{NumClasses} classes";
        return IsTorchvisionDepth
            ? $"ResNet-{Depth} ({head})"
            : $"ResNet with layers [{string.Join(", ", Layers)}] of {(Block == ResNetBlockKind.Basic ? "BasicBlock" : "Bottleneck")} ({head})";
    }

    public override string ToString() => Describe();

    /// <summary>
    /// Reads the architecture from torchvision's parameter names: blocks per stage = the distinct
    /// N of layerK.N.*, Bottleneck when layer1.0.conv3.weight exists, classes = fc.weight's rows.
    /// Errors name the source and the first torchvision name that is not there.
    /// </summary>
    public static ResNetArchitecture FromStateDict(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        Tensor Get(string key) => state.TryGetValue(key, out var t) ? t : throw NotResNet(state, source, key);

        Get("conv1.weight");
        var fc = Get("fc.weight");
        var layers = new int[4];
        for (int k = 0; k < 4; k++)
        {
            string prefix = $"layer{k + 1}.";
            Get($"{prefix}0.conv1.weight");
            layers[k] = state.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Select(n => n.Split('.')[1]).Distinct().Count();
        }
        var block = state.ContainsKey("layer1.0.conv3.weight") ? ResNetBlockKind.Bottleneck : ResNetBlockKind.Basic;
        var architecture = new ResNetArchitecture(block, layers, fc.Size(0));
        if (fc.Dim != 2 || fc.Size(1) != architecture.FeatureDim)
            throw new InvalidDataException(
                $"{source}: fc.weight is [{string.Join(", ", fc.Shape)}] but a {block} ResNet's head reads {architecture.FeatureDim} features");
        return architecture;
    }

    static InvalidDataException NotResNet(IReadOnlyDictionary<string, Tensor> state, string source, string missing)
    {
        string hint = state.ContainsKey("text_projection") || state.Keys.Any(k => k.StartsWith("visual.", StringComparison.Ordinal))
            ? " (it has CLIP's names, 'visual.*' / 'text_projection': load it as a CLIP checkpoint)"
            : "";
        return new InvalidDataException($"{source}: not a torchvision ResNet state dict, '{missing}' is missing{hint}");
    }
}
