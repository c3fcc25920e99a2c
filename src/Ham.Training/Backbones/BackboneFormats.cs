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
        if (TorchvisionResNetState(modelPath) is { } state)
        {
            try
            {
                return new ResNetBackbone(modelPath, state, classes.Count, options);
            }
            finally
            {
                foreach (var t in state.Values) t.Dispose();
            }
        }
        return new ClipBackbone(modelPath, classes, options);
    }

    /// <summary>The file's tensors when it is a torchvision-named ResNet state dict (safetensors, or a torch.save dict); null otherwise.</summary>
    static Dictionary<string, Ham.Torch.Tensor>? TorchvisionResNetState(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path)) return null;   // Hugging Face folders are CLIPs
        static bool IsResNet(IEnumerable<string> names)
        {
            var set = names.ToHashSet();
            return set.Contains("conv1.weight") && set.Contains("fc.weight") && set.Contains("layer1.0.conv1.weight");
        }
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".safetensors")
        {
            using var file = SafetensorsFile.Open(path);
            return IsResNet(file.Entries.Select(e => e.Name)) ? ResNetCheckpoint.ReadStateDict(path) : null;
        }
        if (extension is not (".pth" or ".pt" or ".bin")) return null;
        Dictionary<string, Ham.Torch.Tensor> state;
        try
        {
            state = ResNetCheckpoint.ReadStateDict(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or Ham.Torch.TorchException)
        {
            return null;   // a TorchScript archive or another layout: OpenAI's CLIP files
        }
        if (IsResNet(state.Keys)) return state;
        foreach (var t in state.Values) t.Dispose();
        return null;
    }
}
