using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `wise-ft` (Wortsman et al., CVPR 2022, "Robust fine-tuning of zero-shot models"):
/// (1 - alpha) * theta0 + alpha * theta_1 between the zero-shot base and one fine-tuned model,
/// alpha default 0.5.
/// </summary>
sealed class WiseFt(MergeOptions options) : MergeMethod
{
    readonly double _alpha = MergeOptions.InRange(options.Alpha ?? 0.5, 0, 1, "--alpha");

    public override string Name => "wise-ft";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["alpha"] = _alpha.ToString("R") };

    public override (int Min, int Max) ModelCount => (1, 1);

    public override void Prepare(MergeInputs inputs) => inputs.RequireBase(Name);

    public override Tensor Merge(MergeInputs inputs, string name) => inputs.ReadBase(name).Lerp(inputs.ReadModel(0, name), _alpha);
}
