using System.Text.RegularExpressions;
using Ham.Torch;

namespace Ham.Clip.Checkpoints;

/// <summary>
/// Maps a Hugging Face <c>CLIPModel</c> state dict to OpenAI CLIP names and back (ViT towers only:
/// Hugging Face has no ModifiedResNet CLIP). Differences, per transformers' modeling_clip.py:
/// q/k/v projections are separate there and packed into one in_proj here (rows q, k, v); the
/// projections are nn.Linear weights there (embed x width) and plain matrices here (width x embed),
/// so they are transposed; position embeddings are Embedding weights there and parameters here.
/// </summary>
public static partial class HuggingFaceNames
{
    // Per-layer renames inside a transformer block (HF suffix -> OpenAI suffix).
    static readonly (string Hf, string OpenAi)[] BlockParts =
    [
        ("self_attn.out_proj.weight", "attn.out_proj.weight"),
        ("self_attn.out_proj.bias", "attn.out_proj.bias"),
        ("layer_norm1.weight", "ln_1.weight"),
        ("layer_norm1.bias", "ln_1.bias"),
        ("layer_norm2.weight", "ln_2.weight"),
        ("layer_norm2.bias", "ln_2.bias"),
        ("mlp.fc1.weight", "mlp.c_fc.weight"),
        ("mlp.fc1.bias", "mlp.c_fc.bias"),
        ("mlp.fc2.weight", "mlp.c_proj.weight"),
        ("mlp.fc2.bias", "mlp.c_proj.bias"),
    ];

    static readonly (string Hf, string OpenAi)[] Singles =
    [
        ("text_model.embeddings.token_embedding.weight", "token_embedding.weight"),
        ("text_model.embeddings.position_embedding.weight", "positional_embedding"),
        ("text_model.final_layer_norm.weight", "ln_final.weight"),
        ("text_model.final_layer_norm.bias", "ln_final.bias"),
        ("vision_model.embeddings.class_embedding", "visual.class_embedding"),
        ("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"),
        ("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
        ("vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"),
        ("vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"),
        ("vision_model.post_layernorm.weight", "visual.ln_post.weight"),
        ("vision_model.post_layernorm.bias", "visual.ln_post.bias"),
        ("logit_scale", "logit_scale"),
    ];

    static readonly (string Hf, string OpenAi)[] Transposed =
    [
        ("text_projection.weight", "text_projection"),
        ("visual_projection.weight", "visual.proj"),
    ];

    static readonly (string Hf, string OpenAi)[] Towers =
    [
        ("text_model.encoder.layers.", "transformer.resblocks."),
        ("vision_model.encoder.layers.", "visual.transformer.resblocks."),
    ];

    // Buffers some transformers versions save; they carry no weights.
    static readonly Regex IgnoredHf = PositionIds();

    [GeneratedRegex(@"^(text_model|vision_model)\.embeddings\.position_ids$")]
    private static partial Regex PositionIds();

    [GeneratedRegex(@"^(\d+)\.self_attn\.([qkv])_proj\.(weight|bias)$")]
    private static partial Regex QkvPart();

    /// <summary>
    /// Hugging Face names -> OpenAI names. The returned tensors are new (the caller disposes
    /// them); the input is left as it was. Unknown keys are an error listing them.
    /// </summary>
    public static Dictionary<string, Tensor> ToOpenAi(IReadOnlyDictionary<string, Tensor> hf, string source)
    {
        var result = new Dictionary<string, Tensor>();
        var unknown = new List<string>();
        // (prefix, layer) -> q, k, v pieces of one attention's in_proj weight or bias
        var qkv = new Dictionary<string, Tensor?[]>();
        foreach (var (name, tensor) in hf)
        {
            if (IgnoredHf.IsMatch(name)) continue;
            if (TryLookup(Singles, name, hf: true, out var single)) { result[single] = tensor.Alias(); continue; }
            if (TryLookup(Transposed, name, hf: true, out var proj)) { result[proj] = tensor.T.Contiguous(); continue; }
            var tower = Towers.FirstOrDefault(t => name.StartsWith(t.Hf, StringComparison.Ordinal));
            if (tower.Hf is null) { unknown.Add(name); continue; }
            string rest = name[tower.Hf.Length..];
            var q = QkvPart().Match(rest);
            if (q.Success)
            {
                string key = $"{tower.OpenAi}{q.Groups[1].Value}.attn.in_proj_{q.Groups[3].Value}";
                if (!qkv.TryGetValue(key, out var parts)) qkv[key] = parts = new Tensor?[3];
                parts["qkv".IndexOf(q.Groups[2].Value[0])] = tensor;
                continue;
            }
            int dot = rest.IndexOf('.');
            string layer = dot > 0 ? rest[..dot] : "";
            string part = dot > 0 ? rest[(dot + 1)..] : rest;
            var mapped = BlockParts.FirstOrDefault(p => p.Hf == part);
            if (mapped.Hf is null || !int.TryParse(layer, out _)) { unknown.Add(name); continue; }
            result[$"{tower.OpenAi}{layer}.{mapped.OpenAi}"] = tensor.Alias();
        }
        foreach (var (key, parts) in qkv)
        {
            if (parts.Any(p => p is null))
                throw new InvalidDataException($"{source}: the q, k and v projections of {key} are not all present");
            result[key] = Tensor.Cat(parts!, 0);
        }
        if (unknown.Count > 0)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new InvalidDataException($"{source}: unexpected keys for a Hugging Face CLIPModel: {string.Join(", ", unknown.Take(20))}{(unknown.Count > 20 ? $" and {unknown.Count - 20} more" : "")}");
        }
        return result;
    }

    /// <summary>OpenAI names -> Hugging Face names (ViT towers); new tensors, input unchanged.</summary>
    public static Dictionary<string, Tensor> FromOpenAi(IReadOnlyDictionary<string, Tensor> openAi)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in openAi)
        {
            if (TryLookup(Singles, name, hf: false, out var single)) { result[single] = tensor.Alias(); continue; }
            if (TryLookup(Transposed, name, hf: false, out var proj)) { result[proj] = tensor.T.Contiguous(); continue; }
            var tower = Towers.FirstOrDefault(t => name.StartsWith(t.OpenAi, StringComparison.Ordinal));
            if (tower.Hf is null)
                throw new ArgumentException($"{name} has no Hugging Face CLIPModel counterpart (only ViT CLIP models convert)");
            string rest = name[tower.OpenAi.Length..];
            int dot = rest.IndexOf('.');
            string layer = rest[..dot], part = rest[(dot + 1)..];
            if (part is "attn.in_proj_weight" or "attn.in_proj_bias")
            {
                string kind = part.EndsWith("weight") ? "weight" : "bias";
                var pieces = tensor.Chunk(3, 0);
                for (int i = 0; i < 3; i++) result[$"{tower.Hf}{layer}.self_attn.{"qkv"[i]}_proj.{kind}"] = pieces[i].Contiguous();
                foreach (var p in pieces) p.Dispose();
                continue;
            }
            var mapped = BlockParts.FirstOrDefault(p => p.OpenAi == part);
            if (mapped.OpenAi is null) throw new ArgumentException($"{name} has no Hugging Face CLIPModel counterpart");
            result[$"{tower.Hf}{layer}.{mapped.Hf}"] = tensor.Alias();
        }
        return result;
    }

    static bool TryLookup((string Hf, string OpenAi)[] table, string name, bool hf, out string mapped)
    {
        foreach (var (h, o) in table)
        {
            if ((hf ? h : o) == name)
            {
                mapped = hf ? o : h;
                return true;
            }
        }
        mapped = "";
        return false;
    }
}
