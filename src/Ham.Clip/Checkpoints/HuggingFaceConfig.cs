using System.Text.Json;
using Ham.Clip.Model;
using Ham.Torch.Serialization;

namespace Ham.Clip.Checkpoints;

/// <summary>
/// A Hugging Face CLIPModel folder's config.json, honoured as transformers' CLIPConfig reads it
/// (configuration_clip.py: a field left out takes CLIPTextConfig's or CLIPVisionConfig's
/// default): hidden_act, num_attention_heads and layer_norm_eps set what the weights cannot say;
/// every size the weights do say (hidden_size, intermediate_size, num_hidden_layers,
/// max_position_embeddings, vocab_size, image_size, patch_size, num_channels, projection_dim)
/// must agree with them, and each disagreement is named.
/// </summary>
public static class HuggingFaceConfig
{
    sealed record Tower(string Name, long HiddenSize, long IntermediateSize, long Layers, long Heads, string Activation, double LayerNormEps);

    /// <summary><paramref name="fromWeights"/> with the config's activations, head widths and epsilons; an error naming every field that contradicts the weights.</summary>
    public static ClipConfig Apply(ClipConfig fromWeights, string configPath, IReadOnlyDictionary<string, Ham.Torch.Tensor> state)
    {
        var root = JsonFile.ReadObjectElement(configPath);
        var problems = new List<string>();
        string modelType = Text(root, "model_type", "clip", configPath);
        if (modelType != "clip") problems.Add($"model_type is '{modelType}', not 'clip'");
        if (!fromWeights.IsVisionTransformer) problems.Add("Hugging Face's CLIPModel has a ViT image tower, but the weights are a ModifiedResNet's");

        // CLIPTextConfig's and CLIPVisionConfig's defaults (transformers' configuration_clip.py).
        var text = ReadTower(root, "text_config", configPath, 512, 2048, 12, 8);
        var vision = ReadTower(root, "vision_config", configPath, 768, 3072, 12, 12);
        var textSection = Section(root, "text_config", configPath);
        var visionSection = Section(root, "vision_config", configPath);

        void Agree(string field, long inConfig, long inWeights, string what)
        {
            if (inConfig != inWeights) problems.Add($"{field} is {inConfig} but the weights have {inWeights} ({what})");
        }
        Agree("projection_dim", Number(root, "projection_dim", 512, configPath), fromWeights.EmbedDim, "text_projection columns");
        Agree("text_config.hidden_size", text.HiddenSize, fromWeights.TextWidth, "ln_final width");
        Agree("text_config.num_hidden_layers", text.Layers, fromWeights.TextLayers, "text blocks");
        Agree("text_config.intermediate_size", text.IntermediateSize, Rows(state, "transformer.resblocks.0.mlp.c_fc.weight"), "text MLP width");
        Agree("text_config.max_position_embeddings", Number(textSection, "max_position_embeddings", 77, configPath), fromWeights.ContextLength, "text positions");
        Agree("text_config.vocab_size", Number(textSection, "vocab_size", 49408, configPath), fromWeights.VocabSize, "token embeddings");
        if (fromWeights.IsVisionTransformer)
        {
            Agree("vision_config.hidden_size", vision.HiddenSize, fromWeights.VisionWidth, "patch embedding width");
            Agree("vision_config.num_hidden_layers", vision.Layers, fromWeights.VisionLayers[0], "image blocks");
            Agree("vision_config.intermediate_size", vision.IntermediateSize, Rows(state, "visual.transformer.resblocks.0.mlp.c_fc.weight"), "image MLP width");
            Agree("vision_config.image_size", Number(visionSection, "image_size", 224, configPath), fromWeights.ImageResolution, "patch grid x patch size");
            Agree("vision_config.patch_size", Number(visionSection, "patch_size", 32, configPath), fromWeights.PatchSize, "patch embedding kernel");
            Agree("vision_config.num_channels", Number(visionSection, "num_channels", 3, configPath), state["visual.conv1.weight"].Size(1), "patch embedding input channels");
        }
        var textSettings = Settings(text, problems);
        var visionSettings = Settings(vision, problems);
        if (problems.Count > 0) throw new InvalidDataException($"{configPath} disagrees with the weights: {string.Join("; ", problems)}");
        return fromWeights with { Text = textSettings!, Vision = visionSettings! };
    }

    static Tower ReadTower(JsonElement root, string name, string path, long hidden, long intermediate, long layers, long heads)
    {
        var section = Section(root, name, path);
        return new Tower(name, Number(section, "hidden_size", hidden, path), Number(section, "intermediate_size", intermediate, path),
            Number(section, "num_hidden_layers", layers, path), Number(section, "num_attention_heads", heads, path),
            Text(section, "hidden_act", "quick_gelu", path), Real(section, "layer_norm_eps", 1e-5, path));
    }

    /// <summary>The tower's settings, or null with the problems added (unknown activation, heads that do not divide the width, a bad epsilon).</summary>
    static TowerSettings? Settings(Tower tower, List<string> problems)
    {
        int before = problems.Count;
        Activation activation = Activation.QuickGelu;
        try { activation = Activations.Parse(tower.Activation, $"{tower.Name}.hidden_act"); }
        catch (ArgumentException e) { problems.Add(e.Message); }
        if (tower.Heads < 1 || tower.HiddenSize % tower.Heads != 0)
            problems.Add($"{tower.Name}.num_attention_heads is {tower.Heads}, which does not divide hidden_size {tower.HiddenSize}");
        if (!(tower.LayerNormEps > 0) || !double.IsFinite(tower.LayerNormEps))
            problems.Add($"{tower.Name}.layer_norm_eps is {tower.LayerNormEps}; it must be a positive number");
        return problems.Count > before ? null : new TowerSettings(activation, tower.HiddenSize / tower.Heads, tower.LayerNormEps);
    }

    static long Rows(IReadOnlyDictionary<string, Ham.Torch.Tensor> state, string name) => state.TryGetValue(name, out var t) ? t.Size(0) : 0;

    static JsonElement Section(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var section)) return default;
        return section.ValueKind is JsonValueKind.Object or JsonValueKind.Null ? section
            : throw new InvalidDataException($"{path}: {name} is not an object");
    }

    static bool TryGet(JsonElement section, string name, out JsonElement value)
    {
        value = default;
        return section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    static long Number(JsonElement section, string name, long fallback, string path) =>
        !TryGet(section, name, out var v) ? fallback
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n
        : throw new InvalidDataException($"{path}: {name} is {v.GetRawText()}, not an integer");

    static double Real(JsonElement section, string name, double fallback, string path) =>
        !TryGet(section, name, out var v) ? fallback
        : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : throw new InvalidDataException($"{path}: {name} is {v.GetRawText()}, not a number");

    static string Text(JsonElement section, string name, string fallback, string path) =>
        !TryGet(section, name, out var v) ? fallback
        : v.ValueKind == JsonValueKind.String ? v.GetString()!
        : throw new InvalidDataException($"{path}: {name} is {v.GetRawText()}, not a string");
}
