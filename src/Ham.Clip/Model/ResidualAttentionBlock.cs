using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Clip.Model;

/// <summary>CLIP's MLP: c_proj(activation(c_fc(x))), hidden width 4x; QuickGELU in OpenAI's models, GELU in most others.</summary>
public sealed class Mlp : Layer
{
    public Mlp(long width, Generator generator, Activation activation = Activation.QuickGelu)
    {
        Activation = activation;
        Fc = RegisterModule("c_fc", new Linear(width, width * 4, generator));
        Proj = RegisterModule("c_proj", new Linear(width * 4, width, generator));
    }

    public Activation Activation { get; }
    public Linear Fc { get; }
    public Linear Proj { get; }

    public override Tensor Forward(Tensor x)
    {
        using var hidden = Fc.Forward(x);
        using var activated = Activation.Apply(hidden);
        return Proj.Forward(activated);
    }
}

/// <summary>
/// A pre-norm transformer block (openai/CLIP model.py ResidualAttentionBlock):
///   x = x + attn(ln_1(x), mask);  x = x + mlp(ln_2(x)).  x is (L, N, width).
/// </summary>
public sealed class ResidualAttentionBlock : Module
{
    public ResidualAttentionBlock(long width, long heads, Generator generator, TowerSettings? settings = null)
    {
        settings ??= new TowerSettings();
        Attn = RegisterModule("attn", new MultiheadAttention(width, heads, generator));
        Ln1 = RegisterModule("ln_1", new LayerNorm(width, settings.LayerNormEps));
        Mlp = RegisterModule("mlp", new Mlp(width, generator, settings.Activation));
        Ln2 = RegisterModule("ln_2", new LayerNorm(width, settings.LayerNormEps));
    }

    public MultiheadAttention Attn { get; }
    public LayerNorm Ln1 { get; }
    public Mlp Mlp { get; }
    public LayerNorm Ln2 { get; }

    public Tensor Forward(Tensor x, Tensor? mask)
    {
        using var scope = new DisposeScope();
        var attended = x + Attn.Forward(Ln1.Forward(x), mask);
        var output = attended + Mlp.Forward(Ln2.Forward(attended));
        return scope.MoveToOuter(output);
    }
}

/// <summary>A stack of residual attention blocks named resblocks.0, resblocks.1, ...; <paramref name="settings"/> gives their activation and layer-norm epsilon.</summary>
public sealed class Transformer : Module
{
    public Transformer(long width, int layers, long heads, Generator generator, TowerSettings? settings = null)
    {
        Width = width;
        Blocks = RegisterModule("resblocks", new ModuleList<ResidualAttentionBlock>(
            Enumerable.Range(0, layers).Select(_ => new ResidualAttentionBlock(width, heads, generator, settings))));
    }

    public long Width { get; }
    public ModuleList<ResidualAttentionBlock> Blocks { get; }

    public Tensor Forward(Tensor x, Tensor? mask = null)
    {
        var current = x;
        foreach (var block in Blocks.Items)
        {
            var next = block.Forward(current, mask);
            if (!ReferenceEquals(current, x)) current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, x) ? x.Alias() : current;
    }
}
