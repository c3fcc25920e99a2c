using Ham.Clip.Model;
using Ham.Torch.Serialization;
using Ham.Vision;

namespace Ham.Training.Backbones;

/// <summary>
/// Tells which backbone a checkpoint is from its tensor names: torchvision's ResNet names
/// (conv1.weight, layer1.0..., fc.weight) make a <see cref="ResNetBackbone"/>; anything else is
/// read as a CLIP (<see cref="ClipBackbone"/>, which names what a non-CLIP file lacks).
/// </summary>
static class BackboneFormats
{
    public static Backbone Open(string modelPath, IReadOnlyList<string> classes, BackboneOptions options)
    {
        if (!IsTorchvisionResNet(modelPath)) return new ClipBackbone(modelPath, classes, options);
        if (options.Activation is { } activation)
            throw new ArgumentException($"--activation {activation.Name()} is for CLIP checkpoints; {modelPath} is a torchvision ResNet (ReLU throughout)");
        var state = ResNetCheckpoint.ReadStateDict(modelPath);
        try
        {
            return new ResNetBackbone(modelPath, state, classes.Count, options);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Whether the file's tensor names are a torchvision ResNet's, read from the safetensors header
    /// or the torch.save pickle alone: a CLIP is not loaded twice to find out.
    /// </summary>
    internal static bool IsTorchvisionResNet(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path)) return false;   // Hugging Face folders are CLIPs
        IEnumerable<string> names;
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".safetensors":
                using (var file = SafetensorsFile.Open(path)) names = file.Entries.Select(e => e.Name).ToList();
                break;
            case ".pth" or ".pt" or ".bin":
                var (stored, kind) = TorchFiles.ReadNames(path);
                if (kind != TorchFileKind.StateDict) return false;   // TorchScript archives: OpenAI's CLIP files
                names = stored;
                break;
            default:
                return false;
        }
        var set = names.ToHashSet();
        return set.Contains("conv1.weight") && set.Contains("fc.weight") && set.Contains("layer1.0.conv1.weight");
    }
}
