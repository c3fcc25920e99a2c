using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Clip.Model;

/// <summary>
/// CLIP's ViT image encoder (openai/CLIP model.py VisionTransformer): patches by a bias-free
/// strided conv, a class token, learned positions, ln_pre, the transformer, ln_post on the class
/// token and a linear projection to the joint embedding.
/// </summary>
public sealed class VisionTransformer : ImageEncoder
{
    public VisionTransformer(int resolution, int patch, long width, int layers, long heads, long embedDim, Generator generator, TowerSettings? settings = null)
    {
        settings ??= new TowerSettings();
        if (resolution % patch != 0) throw new ArgumentException($"image size {resolution} is not a multiple of patch {patch}");
        InputResolution = resolution;
        long grid = resolution / patch;
        double scale = 1 / Math.Sqrt(width);
        Conv1 = RegisterModule("conv1", new Conv2d(3, width, patch, generator, stride: patch, bias: false));
        ClassEmbedding = RegisterParameter("class_embedding", Init.Normal([width], scale, generator));
        PositionalEmbedding = RegisterParameter("positional_embedding", Init.Normal([grid * grid + 1, width], scale, generator));
        LnPre = RegisterModule("ln_pre", new LayerNorm(width, settings.LayerNormEps));
        Transformer = RegisterModule("transformer", new Transformer(width, layers, heads, generator, settings));
        LnPost = RegisterModule("ln_post", new LayerNorm(width, settings.LayerNormEps));
        Proj = RegisterParameter("proj", Init.Normal([width, embedDim], scale, generator));
    }

    public override int InputResolution { get; }
    public Conv2d Conv1 { get; }
    public Tensor ClassEmbedding { get; }
    public Tensor PositionalEmbedding { get; }
    public LayerNorm LnPre { get; }
    public Transformer Transformer { get; }
    public LayerNorm LnPost { get; }
    public Tensor Proj { get; }

    public override long OutputDim => Proj.Size(1);

    /// <summary>images (N, 3, H, W) -> features (N, embed).</summary>
    public override Tensor Forward(Tensor images)
    {
        using var scope = new DisposeScope();
        var patches = Conv1.Forward(images);                          // (N, width, grid, grid)
        long n = patches.Size(0), width = patches.Size(1);
        var tokens = patches.Reshape(n, width, -1).Permute(0, 2, 1); // (N, grid^2, width)
        var cls = ClassEmbedding.Expand(n, 1, width);
        var x = Tensor.Cat([cls, tokens], 1) + PositionalEmbedding;  // (N, grid^2 + 1, width)
        x = LnPre.Forward(x).Permute(1, 0, 2);                        // (L, N, width)
        x = Transformer.Forward(x).Permute(1, 0, 2);                  // (N, L, width)
        var pooled = LnPost.Forward(x.Select(1, 0));                  // (N, width)
        return scope.MoveToOuter(Functional.MatMul(pooled, Proj));
    }
}
