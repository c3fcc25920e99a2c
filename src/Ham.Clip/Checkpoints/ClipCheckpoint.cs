using System.Text.Json;
using System.Text.Json.Nodes;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Clip.Checkpoints;

/// <summary>Where a checkpoint's activations, head widths and layer-norm epsilons came from.</summary>
public enum ClipSettingsSource
{
    /// <summary>A Hugging Face folder's config.json.</summary>
    HuggingFaceConfig,

    /// <summary>The __metadata__ Ham writes into its safetensors files.</summary>
    HamMetadata,

    /// <summary>An OpenAI TorchScript archive: QuickGELU, 64-wide heads.</summary>
    TorchScript,

    /// <summary>The caller's choice (--activation), for a file that does not say.</summary>
    Given,

    /// <summary>Nothing said it: OpenAI's QuickGELU and 64-wide heads were assumed.</summary>
    Assumed,
}

/// <summary>A checkpoint's tensors under OpenAI names (the caller disposes them) and the model they describe.</summary>
public sealed record ClipCheckpointContents(Dictionary<string, Tensor> State, ClipConfig Config, ClipSettingsSource Source);

/// <summary>
/// Reads and writes CLIP checkpoints in every common format, always as OpenAI-named state dicts:
/// an OpenAI-named .safetensors file (open_clip uses the same names); a Hugging Face CLIPModel
/// directory (config.json + model.safetensors, or shards listed in model.safetensors.index.json);
/// OpenAI's released .pt files (TorchScript archives, fp16); torch.save state dicts. The format is
/// told by the path (a directory is Hugging Face) and, for .pt/.pth/.bin, by the archive's
/// pickle. Symbolic links are followed (the Hugging Face cache's snapshots link to blobs).
/// The shapes come from the weights; the activation, head width and layer-norm epsilon from
/// config.json, Ham's own metadata, or (OpenAI's TorchScript) are known to be OpenAI's; for a
/// file that says nothing, the caller's activation, else OpenAI's QuickGELU, is assumed.
/// </summary>
public static class ClipCheckpoint
{
    // Buffers OpenAI's TorchScript files carry next to the weights; they are not part of the model.
    static readonly string[] NonWeightBuffers = ["input_resolution", "context_length", "vocab_size"];

    /// <summary>Builds the model the checkpoint describes and loads its weights (strict).</summary>
    /// <param name="activation">for a file that does not say its activation; an error if it contradicts one that does</param>
    public static ClipModel Load(string path, Activation? activation = null) => Load(Read(path, activation), path);

    /// <summary>Builds the model of already read contents and loads its weights (strict); the state's tensors are disposed.</summary>
    public static ClipModel Load(ClipCheckpointContents contents, string path)
    {
        try
        {
            using var generator = new Generator(0);
            var model = new ClipModel(contents.Config, generator);
            try
            {
                model.LoadStateDict(contents.State);
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
            foreach (var t in contents.State.Values) t.Dispose();
        }
    }

    /// <summary>The checkpoint's tensors under OpenAI names, as stored (no dtype change).</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path) => ReadStored(path).State;

    /// <summary>The checkpoint's tensors and the model they describe, its settings checked against its weights.</summary>
    /// <param name="activation">for a file that does not say its activation; an error if it contradicts one that does</param>
    public static ClipCheckpointContents Read(string path, Activation? activation = null)
    {
        var stored = ReadStored(path);
        try
        {
            var config = ClipConfig.FromStateDict(stored.State, path);
            var (settled, source) = stored switch
            {
                { ConfigJson: { } json } => (HuggingFaceConfig.Apply(config, json, stored.State), ClipSettingsSource.HuggingFaceConfig),
                { Metadata: { } m } when ClipConfigMetadata.IsPresent(m) => (ClipConfigMetadata.Apply(config, m, path), ClipSettingsSource.HamMetadata),
                { Kind: TorchFileKind.TorchScript } => (config, ClipSettingsSource.TorchScript),   // OpenAI's archives: QuickGELU, known
                _ when activation is { } given => (config with { Vision = config.Vision with { Activation = given }, Text = config.Text with { Activation = given } }, ClipSettingsSource.Given),
                _ => (config, ClipSettingsSource.Assumed),
            };
            if (activation is { } wanted && source is ClipSettingsSource.HuggingFaceConfig or ClipSettingsSource.HamMetadata or ClipSettingsSource.TorchScript &&
                (settled.Vision.Activation != wanted || settled.Text.Activation != wanted))
                throw new ArgumentException($"{path}: activation {wanted.Name()} was asked for, but {source switch { ClipSettingsSource.HuggingFaceConfig => stored.ConfigJson, ClipSettingsSource.HamMetadata => "its metadata", _ => "OpenAI's TorchScript format" }} " +
                    $"says {settled.Vision.Activation.Name()} (image) and {settled.Text.Activation.Name()} (text)");
            return new ClipCheckpointContents(stored.State, settled, source);
        }
        catch
        {
            foreach (var t in stored.State.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>What a checkpoint file holds before its shapes are read: tensors, and what may say its settings.</summary>
    sealed record Stored(Dictionary<string, Tensor> State, string? ConfigJson = null, IReadOnlyDictionary<string, string>? Metadata = null, TorchFileKind? Kind = null);

    static Stored ReadStored(string path)
    {
        if (Directory.Exists(path)) return ReadHuggingFace(path);
        InputFile.Require(path, "CLIP checkpoint");
        Stored stored = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => ReadSafetensors(path),
            ".pt" or ".pth" or ".bin" => ReadPyTorch(path),
            var ext => throw new InvalidDataException($"{path}: unknown checkpoint format '{ext}' (expected .safetensors, .pt, .pth, .bin or a Hugging Face directory)"),
        };
        return stored with { State = Canonical(stored.State, path) };
    }

    static Stored ReadSafetensors(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return new Stored(file.ReadAll(), Metadata: file.Metadata);
    }

    static Stored ReadPyTorch(string path)
    {
        var (tensors, kind) = TorchFiles.Read(path);
        return new Stored(tensors, Kind: kind);
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
            try
            {
                return HuggingFaceNames.ToOpenAi(raw, path);
            }
            finally
            {
                foreach (var t in raw.Values) t.Dispose();
            }
        }
        return raw;
    }

    /// <summary>Whether a folder holds <paramref name="name"/>: a file, or a link (read, it says what is wrong with it: a loop, a missing target).</summary>
    static bool Holds(string directory, string name) => FileSystemEntry.Of(Path.Combine(directory, name)).Kind != FileSystemEntryKind.Missing;

    static Stored ReadHuggingFace(string directory)
    {
        string config = Path.Combine(directory, "config.json");
        string? configJson = Holds(directory, "config.json") ? config : null;
        if (configJson != null) InputFile.Require(configJson, "config.json");
        Dictionary<string, Tensor> raw;
        if (Holds(directory, "model.safetensors")) raw = SafetensorsFile.Load(Path.Combine(directory, "model.safetensors"));
        else if (Holds(directory, "model.safetensors.index.json")) raw = ReadShards(Path.Combine(directory, "model.safetensors.index.json"));
        else if (Holds(directory, "pytorch_model.bin")) raw = TorchFiles.ReadStateDict(Path.Combine(directory, "pytorch_model.bin"));
        else throw new FileNotFoundException($"{directory}: a Hugging Face CLIP directory needs model.safetensors, model.safetensors.index.json or pytorch_model.bin");
        return new Stored(Canonical(raw, directory), configJson);
    }

    /// <summary>The tensors of the shards an index names, read as <see cref="CheckpointFiles"/> checks them (each shard a file of the model's own folder, which may be a link, as in the Hugging Face cache).</summary>
    static Dictionary<string, Tensor> ReadShards(string indexPath)
    {
        InputFile.Require(indexPath, "index");
        using var files = CheckpointFiles.Open(indexPath);
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (string name in files.Names) result[name] = files.Locate(name).File.Read(name);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Saves OpenAI-named safetensors (fp32 as in memory), atomically, with the model's settings in its metadata (<see cref="ClipConfigMetadata"/>).</summary>
    public static void SaveOpenAi(ClipModel model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Save(path, model.StateDict(), Metadata(model.Config, metadata));

    /// <summary>The __metadata__ of a CLIP file Ham writes: the model's settings, then the caller's entries.</summary>
    public static Dictionary<string, string> Metadata(ClipConfig config, IReadOnlyDictionary<string, string>? extra = null)
    {
        var metadata = ClipConfigMetadata.Of(config);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) metadata[key] = value;
        return metadata;
    }

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
                ["num_attention_heads"] = config.TextHeads, ["num_hidden_layers"] = config.TextLayers,
                ["max_position_embeddings"] = config.ContextLength, ["vocab_size"] = config.VocabSize,
                ["hidden_act"] = config.Text.Activation.Name(), ["layer_norm_eps"] = config.Text.LayerNormEps, ["bos_token_id"] = 49406, ["eos_token_id"] = 49407,
                ["projection_dim"] = config.EmbedDim,
            },
            ["vision_config"] = new JsonObject
            {
                ["hidden_size"] = config.VisionWidth, ["intermediate_size"] = config.VisionWidth * 4,
                ["num_attention_heads"] = config.VisionHeads, ["num_hidden_layers"] = config.VisionLayers[0],
                ["image_size"] = config.ImageResolution, ["patch_size"] = config.PatchSize, ["hidden_act"] = config.Vision.Activation.Name(),
                ["layer_norm_eps"] = config.Vision.LayerNormEps, ["num_channels"] = 3, ["projection_dim"] = config.EmbedDim,
            },
        };
        OutputFile.WriteAllText(Path.Combine(directory, "config.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
