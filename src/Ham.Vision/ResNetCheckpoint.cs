using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Vision;

/// <summary>
/// Reads and writes torchvision ResNet state dicts under torchvision's names: <c>torch.save(model.state_dict())</c>
/// files (.pth, .pt, .bin) and .safetensors. The depth, block and classes come from the weights
/// (<see cref="ResNetArchitecture.FromStateDict"/>). Weights are converted to fp32 on load.
/// </summary>
public static class ResNetCheckpoint
{
    /// <summary>Builds the ResNet the checkpoint's names and shapes describe and loads its weights (strict), in eval mode.</summary>
    public static ResNet Load(string path)
    {
        var state = ReadStateDict(path);
        try
        {
            var architecture = ResNetArchitecture.FromStateDict(state, path);
            using var generator = new Generator(0);
            var model = new ResNet(architecture, generator);
            try
            {
                model.LoadStateDict(state);
            }
            catch (ArgumentException e)
            {
                model.Dispose();
                throw new InvalidDataException($"{path}: {architecture.Describe()}: {e.Message}", e);
            }
            return model;
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>The checkpoint's tensors by name, as stored (no dtype change). The caller owns them.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        InputFile.Require(path, "ResNet checkpoint");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => SafetensorsFile.Load(path),
            ".pth" or ".pt" or ".bin" => TorchFiles.ReadStateDict(path),
            var ext => throw new InvalidDataException($"{path}: unknown checkpoint format '{ext}' (expected .safetensors, or a torch.save state dict: .pth, .pt, .bin)"),
        };
    }

    /// <summary>Saves the model's parameters and buffers under torchvision's names as safetensors (through a temp file).</summary>
    public static void Save(ResNet model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Save(path, model.StateDict(), metadata);
}
