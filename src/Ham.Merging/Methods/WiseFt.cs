using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `wise-ft` (Wortsman et al., CVPR 2022, "Robust fine-tuning of zero-shot models"):
/// (1 - alpha) * theta0 + alpha * theta_1 between the zero-shot base and one fine-tuned model,
/// alpha default 0.5.
/// </summary>
sealed class WiseFt(MergeOptions options) : MergeMethod
{
    readonly double _alpha = Alpha(options);

    public override string Name => "wise-ft";

    internal static readonly NumberParameter AlphaParameter = new("alpha", 0.5, 0, 1, "interpolation from the base (0) to the model (1)");

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["alpha"] = AlphaParameter.Describe(options, _alpha) };

    static double Alpha(MergeOptions o) => AlphaParameter.Of(o);

    public override (int Min, int Max) ModelCount => (1, 1);

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        foreach (string name in inputs.FloatNames) Alpha(options.For(name));
    }

    public override Tensor Merge(MergeInputs inputs, string name) => inputs.ReadBase(name).Lerp(inputs.ReadModel(0, name), Alpha(options.For(name)));
}
