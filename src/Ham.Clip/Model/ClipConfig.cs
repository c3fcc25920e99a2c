using Ham.Torch;

namespace Ham.Clip.Model;

/// <summary>
/// The shape of a CLIP model. <see cref="FromStateDict"/> infers it from the weights as OpenAI's
/// build_model does, so RN50 ... RN50x64 and ViT-B/32 ... ViT-L/14@336 load without a config.
/// What the weights cannot say (activation, head width, layer-norm epsilon) is in
/// <see cref="Vision"/> and <see cref="Text"/>, OpenAI's values unless a config says otherwise.
/// </summary>
public sealed record ClipConfig(
    long EmbedDim,
    int ImageResolution,
    int[] VisionLayers,
    long VisionWidth,
    int PatchSize,
    int ContextLength,
    long VocabSize,
    long TextWidth,
    int TextLayers)
{
    /// <summary>The image tower's activation, head width and layer-norm epsilon (a ModifiedResNet uses only the head width, in its attention pool).</summary>
    public TowerSettings Vision { get; init; } = new();

    /// <summary>The text tower's activation, head width and layer-norm epsilon.</summary>
    public TowerSettings Text { get; init; } = new();

    /// <summary>A ViT has one stage depth and a patch size; a ModifiedResNet has four depths.</summary>
    public bool IsVisionTransformer => PatchSize > 0;

    /// <summary>width / head width for a ViT; width * 32 / head width for a ModifiedResNet (its attnpool runs at 32x width).</summary>
    public long VisionHeads => Vision.Heads(IsVisionTransformer ? VisionWidth : VisionWidth * 32);

    public long TextHeads => Text.Heads(TextWidth);

    public string Describe() => (IsVisionTransformer
        ? $"ViT (width {VisionWidth}, {VisionLayers[0]} layers, patch {PatchSize}, {ImageResolution} px"
        : $"ModifiedResNet (width {VisionWidth}, stages [{string.Join(", ", VisionLayers)}], {ImageResolution} px") +
        $"; {(IsVisionTransformer ? Vision.Describe() : $"{Vision.HeadWidth}-wide pool heads")}), text width {TextWidth} x {TextLayers} ({Text.Describe()}), embed {EmbedDim}";

    public static ClipConfig FromStateDict(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        Tensor Get(string key) => state.TryGetValue(key, out var t) ? t
            : throw new InvalidDataException($"{source}: not a CLIP checkpoint, '{key}' is missing");
        int CountIndices(string prefix, int part) => state.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Split('.')[part]).Distinct().Count();

        long embed = Get("text_projection").Size(1);
        int context = (int)Get("positional_embedding").Size(0);
        long vocab = Get("token_embedding.weight").Size(0);
        long textWidth = Get("ln_final.weight").Size(0);
        int textLayers = CountIndices("transformer.resblocks.", 2);

        if (state.ContainsKey("visual.proj"))
        {
            var conv = Get("visual.conv1.weight");
            long width = conv.Size(0);
            int patch = (int)conv.Size(-1);
            int layers = CountIndices("visual.transformer.resblocks.", 3);
            int grid = (int)Math.Round(Math.Sqrt(Get("visual.positional_embedding").Size(0) - 1));
            return new ClipConfig(embed, patch * grid, [layers], width, patch, context, vocab, textWidth, textLayers);
        }
        var stages = Enumerable.Range(1, 4).Select(b => CountIndices($"visual.layer{b}.", 2)).ToArray();
        if (stages.Any(s => s == 0))
            throw new InvalidDataException($"{source}: neither a ViT (visual.proj) nor a ModifiedResNet (visual.layer1..4) CLIP image tower");
        long rnWidth = Get("visual.layer1.0.conv1.weight").Size(0);
        int outputWidth = (int)Math.Round(Math.Sqrt(Get("visual.attnpool.positional_embedding").Size(0) - 1));
        return new ClipConfig(embed, outputWidth * 32, stages, rnWidth, 0, context, vocab, textWidth, textLayers);
    }
}
