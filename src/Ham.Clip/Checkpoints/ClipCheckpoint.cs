using System.Text.Json;
using System.Text.Json.Nodes;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Clip.Checkpoints;

/// <summary>
/// Reads and writes CLIP checkpoints in every common format, always as OpenAI-named state dicts:
/// an OpenAI-named .safetensors file (open_clip uses the same names); a Hugging Face CLIPModel
/// directory (config.json + model.safetensors, or shards listed in model.safetensors.index.json);
/// OpenAI's released .pt files (TorchScript archives, fp16); torch.save state dicts. The format is
/// told by the path (a directory is Hugging Face) and, for .pt/.pth/.bin, by trying TorchScript
/// first. Weights are upcast to fp32 on load.
/// </summary>
public static class ClipCheckpoint
{
    // Buffers OpenAI's TorchScript files carry next to the weights; they are not part of the model.
    static readonly string[] NonWeightBuffers = ["input_resolution", "context_length", "vocab_size"];

    /// <summary>Builds the model that the checkpoint's shapes describe and loads its weights (strict).</summary>
    public static ClipModel Load(string path)
    {
        var state = ReadStateDict(path);
        try
        {
            var config = ClipConfig.FromStateDict(state, path);
            using var generator = new Generator(0);
            var model = new ClipModel(config, generator);
            try
            {
                model.LoadStateDict(state);
            }
            catch (ArgumentException e)
            {
                model.Dispose();
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
            return (ClipModel)model.Eval();
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>The checkpoint's tensors under OpenAI names, as stored (no dtype change).</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        if (Directory.Exists(path)) return ReadHuggingFace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CLIP checkpoint not found: {path}", path);
        Dictionary<string, Tensor> raw = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => SafetensorsFile.Load(path),
            ".pt" or ".pth" or ".bin" => ReadPyTorch(path),
            var ext => throw new InvalidDataException($"{path}: unknown checkpoint format '{ext}' (expected .safetensors, .pt, .pth, .bin or a Hugging Face directory)"),
        };
        return Canonical(raw, path);
    }

    static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        try
        {
            return TorchFiles.ReadTorchScript(path);
        }
        catch (InvalidDataException)
        {
            return TorchFiles.ReadStateDict(path);
        }
    }

    /// <summary>
    /// OpenAI names whatever the source: Hugging Face names are mapped, wrapper prefixes of training
    /// checkpoints ("state_dict.", "module.") are stripped, and OpenAI's non-weight buffers dropped.
    /// </summary>
    static Dictionary<string, Tensor> Canonical(Dictionary<string, Tensor> raw, string path)
    {
        foreach (var key in NonWeightBuffers)
            if (raw.Remove(key, out var t)) t.Dispose();
        foreach (var prefix in new[] { "state_dict.", "module." })
        {
            if (raw.Count > 0 && raw.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                raw = raw.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        }
        if (raw.Keys.Any(k => k.StartsWith("text_model.", StringComparison.Ordinal) || k.StartsWith("vision_model.", StringComparison.Ordinal)))
        {
            var mapped = HuggingFaceNames.ToOpenAi(raw, path);
            foreach (var t in raw.Values) t.Dispose();
            return mapped;
        }
        return raw;
    }

    static Dictionary<string, Tensor> ReadHuggingFace(string directory)
    {
        string single = Path.Combine(directory, "model.safetensors");
        string index = Path.Combine(directory, "model.safetensors.index.json");
        Dictionary<string, Tensor> raw;
        if (File.Exists(single)) raw = SafetensorsFile.Load(single);
        else if (File.Exists(index)) raw = ReadShards(directory, index);
        else if (File.Exists(Path.Combine(directory, "pytorch_model.bin"))) raw = TorchFiles.ReadStateDict(Path.Combine(directory, "pytorch_model.bin"));
        else throw new FileNotFoundException($"{directory}: a Hugging Face CLIP directory needs model.safetensors, model.safetensors.index.json or pytorch_model.bin");
        return Canonical(raw, directory);
    }

    static Dictionary<string, Tensor> ReadShards(string directory, string indexPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
        if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{indexPath}: no weight_map object");
        var result = new Dictionary<string, Tensor>();
        foreach (var shard in map.EnumerateObject().GroupBy(p => p.Value.GetString()!, p => p.Name))
        {
            using var file = SafetensorsFile.Open(Path.Combine(directory, shard.Key));
            foreach (var name in shard) result[name] = file.Read(name);
        }
        return result;
    }

    /// <summary>Saves OpenAI-named safetensors (fp32 as in memory), atomically.</summary>
    public static void SaveOpenAi(ClipModel model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Save(path, model.StateDict(), metadata);

    /// <summary>Saves a Hugging Face CLIPModel directory: config.json and model.safetensors (ViT models).</summary>
    public static void SaveHuggingFace(ClipModel model, string directory)
    {
        var config = model.Config;
        if (!config.IsVisionTransformer) throw new ArgumentException("Hugging Face's CLIPModel has no ResNet image tower; save ResNet CLIP models as OpenAI safetensors");
        Directory.CreateDirectory(directory);
        using var scope = new DisposeScope();
        var hf = HuggingFaceNames.FromOpenAi(model.StateDict());
        SafetensorsWriter.Save(Path.Combine(directory, "model.safetensors"), hf, new Dictionary<string, string> { ["format"] = "pt" });
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("CLIPModel"),
            ["model_type"] = "clip",
            ["projection_dim"] = config.EmbedDim,
            ["logit_scale_init_value"] = 2.6592,
            ["text_config"] = new JsonObject
            {
                ["hidden_size"] = config.TextWidth, ["intermediate_size"] = config.TextWidth * 4,
                ["num_attention_heads"] = Math.Max(1, config.TextWidth / 64), ["num_hidden_layers"] = config.TextLayers,
                ["max_position_embeddings"] = config.ContextLength, ["vocab_size"] = config.VocabSize,
                ["hidden_act"] = "quick_gelu", ["layer_norm_eps"] = 1e-5, ["bos_token_id"] = 49406, ["eos_token_id"] = 49407,
                ["projection_dim"] = config.EmbedDim,
            },
            ["vision_config"] = new JsonObject
            {
                ["hidden_size"] = config.VisionWidth, ["intermediate_size"] = config.VisionWidth * 4,
                ["num_attention_heads"] = config.VisionHeads, ["num_hidden_layers"] = config.VisionLayers[0],
                ["image_size"] = config.ImageResolution, ["patch_size"] = config.PatchSize, ["hidden_act"] = "quick_gelu",
                ["layer_norm_eps"] = 1e-5, ["num_channels"] = 3, ["projection_dim"] = config.EmbedDim,
            },
        };
        string configPath = Path.Combine(directory, "config.json");
        File.WriteAllText(configPath + ".tmp", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(configPath + ".tmp", configPath, overwrite: true);
    }
}
