using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Clip.Model;

/// <summary>
/// CLIP (Radford et al. 2021) with OpenAI's module structure and parameter names: an image tower
/// under "visual.", a causal text transformer at the top level, and logit_scale.
///   logits_per_image = exp(logit_scale) * normalize(image features) normalize(text features)^T.
/// </summary>
public sealed class ClipModel : Module
{
    public ClipModel(ClipConfig config, Generator generator)
    {
        Config = config;
        Visual = RegisterModule("visual", ImageEncoder.Create(config, generator));
        Transformer = RegisterModule("transformer", new Transformer(config.TextWidth, config.TextLayers, config.TextHeads, generator, config.Text));
        TokenEmbedding = RegisterModule("token_embedding", new Embedding(config.VocabSize, config.TextWidth, generator));
        PositionalEmbedding = RegisterParameter("positional_embedding", Init.Normal([config.ContextLength, config.TextWidth], 0.01, generator));
        LnFinal = RegisterModule("ln_final", new LayerNorm(config.TextWidth, config.Text.LayerNormEps));
        TextProjection = RegisterParameter("text_projection", Init.Normal([config.TextWidth, config.EmbedDim], 1 / Math.Sqrt(config.TextWidth), generator));
        LogitScale = RegisterParameter("logit_scale", Tensor.Full([], Math.Log(1 / 0.07)));
        // Causal mask: position i attends to j <= i (additive -inf above the diagonal).
        using var full = Tensor.Full([config.ContextLength, config.ContextLength], double.NegativeInfinity);
        CausalMask = RegisterBuffer("attn_mask", full.Triu(1), persistent: false);
    }

    public ClipConfig Config { get; }
    public ImageEncoder Visual { get; }
    public Transformer Transformer { get; }
    public Embedding TokenEmbedding { get; }
    public Tensor PositionalEmbedding { get; }
    public LayerNorm LnFinal { get; }
    public Tensor TextProjection { get; }
    public Tensor LogitScale { get; }
    public Tensor CausalMask { get; }

    /// <summary>Normalized images (N, 3, R, R) -> unnormalized features (N, embed).</summary>
    public Tensor EncodeImage(Tensor images) => Visual.Forward(images);

    /// <summary>
    /// Token ids (N, context) -> unnormalized features (N, embed), pooled at the end-of-text token,
    /// which has the largest id in each row (argmax), as OpenAI's encode_text.
    /// </summary>
    public Tensor EncodeText(Tensor tokens)
    {
        using var scope = new DisposeScope();
        long n = tokens.Size(0);
        var x = TokenEmbedding.Forward(tokens) + PositionalEmbedding;    // (N, L, width)
        x = Transformer.Forward(x.Permute(1, 0, 2), CausalMask).Permute(1, 0, 2);
        x = LnFinal.Forward(x);
        var eot = tokens.ArgMax(-1);                                      // (N)
        var pooled = x.Gather(1, eot.Reshape(n, 1, 1).Expand(n, 1, x.Size(2))).Squeeze(1);
        return scope.MoveToOuter(Functional.MatMul(pooled, TextProjection));
    }

    /// <summary>exp(logit_scale) * cosine similarities, images x texts.</summary>
    public Tensor LogitsPerImage(Tensor imageFeatures, Tensor textFeatures)
    {
        using var scope = new DisposeScope();
        var image = Normalize(imageFeatures);
        var text = Normalize(textFeatures);
        return scope.MoveToOuter(Functional.MatMul(image, text.T) * LogitScale.Exp());
    }

    /// <summary>x / ||x|| along the last dimension.</summary>
    public static Tensor Normalize(Tensor x)
    {
        using var norm = x.Norm(2, [-1], keepDim: true);
        return x / norm;
    }
}
