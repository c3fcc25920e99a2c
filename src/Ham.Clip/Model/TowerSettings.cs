using Ham.Torch;

namespace Ham.Clip.Model;

/// <summary>The MLP nonlinearity of a CLIP transformer tower.</summary>
public enum Activation
{
    /// <summary>x * sigmoid(1.702 x): OpenAI's CLIP models (model.py QuickGELU).</summary>
    QuickGelu,

    /// <summary>x * Phi(x) (Hendrycks and Gimpel 2016), exact erf form: open_clip's LAION models and most non-OpenAI CLIPs.</summary>
    Gelu,
}

public static class Activations
{
    /// <summary>The names Hugging Face's hidden_act and Ham's --activation use.</summary>
    public static string Name(this Activation activation) => activation == Activation.Gelu ? "gelu" : "quick_gelu";

    /// <summary>"gelu" or "quick_gelu"; anything else is refused, naming <paramref name="where"/> (a field or an option).</summary>
    public static Activation Parse(string name, string where) => name switch
    {
        "quick_gelu" => Activation.QuickGelu,
        "gelu" => Activation.Gelu,
        _ => throw new ArgumentException($"{where} is '{name}'; Ham supports gelu and quick_gelu"),
    };

    public static Tensor Apply(this Activation activation, Tensor x) => activation == Activation.Gelu ? x.Gelu() : x.QuickGelu();
}

/// <summary>
/// What a tower's weights do not say about how it computes: the MLP activation, the width of an
/// attention head (heads = width / head width; OpenAI's models use 64) and the layer norms'
/// epsilon. Hugging Face's config.json gives all three (hidden_act, num_attention_heads,
/// layer_norm_eps); Ham records them in the metadata of the safetensors it writes.
/// </summary>
public sealed record TowerSettings(Activation Activation = Activation.QuickGelu, long HeadWidth = 64, double LayerNormEps = 1e-5)
{
    /// <summary>The number of heads of a <paramref name="width"/>-wide attention (at least one, for towers narrower than a head).</summary>
    public long Heads(long width) => Math.Max(1, width / HeadWidth);

    public string Describe() => $"{Activation.Name()}, {HeadWidth}-wide heads, layer-norm eps {LayerNormEps:G}";
}
