using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `rhm`, HAM's redundancy-aware merge (HAM, section 3.5): for each task vector v_i, concatenated
/// over all tensors of the model, zero the entries at or below its global magnitude percentile
/// `trim` (the rank int(n * trim) magnitude; trim = fraction dropped, default 0.2); then
/// merged = sum_i kept v_i / (number of models that kept the entry), 0 where none did, and the
/// result is theta0 + merged. Trim 0 is the plain average of the task vectors;
/// `--trim-scope tensor` is the paper's layer-level ablation.
/// </summary>
public sealed class RedundancyAwareMerge(MergeOptions options) : MergeMethod
{
    readonly double _trim = MergeOptions.InRange(options.Trim ?? 0.2, 0, 1, "--trim");
    float?[] _thresholds = [];

    public override string Name => "rhm";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["trim"] = _trim.ToString("R"), ["trim_scope"] = options.TrimScope.ToString().ToLowerInvariant(),
    };

    long RankOf(long n) => (long)(n * _trim);

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        if (options.TrimScope == TrimScope.Model)
            _thresholds = MagnitudeThresholds.Select(inputs, inputs.FloatNames.ToList(), RankOf, leaveOutUnchanged: true);
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var thresholds = options.TrimScope == TrimScope.Tensor
            ? MagnitudeThresholds.Select(inputs, [name], RankOf, leaveOutUnchanged: false)
            : _thresholds;
        var cuts = MagnitudeCut.Of(thresholds, keepEqual: false);
        return TaskVectorPass.Produce(inputs, name, output => new KeptMean(cuts, output));
    }
}
