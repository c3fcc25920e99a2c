using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `rhm`, HAM's redundancy-aware merge (HAM, section 3.5): for each task vector v_i, concatenated
/// over all tensors of the model, zero the entries at or below its global magnitude percentile
/// `trim` (the rank int(n * trim) magnitude; trim = fraction dropped, default 0.2); then
/// merged = sum_i kept v_i / (number of models that kept the entry), 0 where none did, and the
/// result is theta0 + merged. Trim 0 is the plain average of the task vectors;
/// `--trim-scope tensor` is the paper's layer-level ablation; per-tensor trims select each group of
/// tensors sharing a value on its own.
/// </summary>
public sealed class RedundancyAwareMerge(MergeOptions options) : MergeMethod
{
    static readonly NumberParameter TrimParameter = new("trim", 0.2, 0, 1, "fraction of update entries dropped by magnitude");

    internal static readonly IReadOnlyList<MergeParameter> Declared = [TrimParameter, SharedParameters.TrimScope];

    readonly double _trim = Trim(options);
    readonly TrimScope _scope = SharedParameters.TrimScope.Of(options);
    readonly Dictionary<double, float?[]> _thresholds = [];

    public override string Name => "rhm";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["trim"] = TrimParameter.Describe(options, _trim), ["trim_scope"] = _scope.ToString().ToLowerInvariant(),
    };

    static double Trim(MergeOptions o) => TrimParameter.Of(o);

    internal static Func<long, long> RankOf(double trim) => n => (long)(n * trim);

    /// <summary>Model scope: one threshold per model over all changed tensors, or over each group of tensors sharing a per-tensor trim.</summary>
    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        var groups = inputs.FloatNames.GroupBy(n => Trim(options.For(n))).ToList(); // checks every tensor's trim too
        if (_scope == TrimScope.Tensor) return;
        foreach (var group in groups)
            _thresholds[group.Key] = MagnitudeThresholds.Select(inputs, group.ToList(), RankOf(group.Key), leaveOutUnchanged: true);
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        double trim = Trim(options.For(name));
        var thresholds = _scope == TrimScope.Tensor
            ? MagnitudeThresholds.Select(inputs, [name], RankOf(trim), leaveOutUnchanged: false)
            : _thresholds[trim];
        var cuts = MagnitudeCut.Of(thresholds, keepEqual: false);
        return TaskVectorPass.Produce(inputs, name, output => new KeptMean(cuts, output));
    }
}
