using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `ties` (Yadav et al., NeurIPS 2023, "TIES-Merging"), as its reference code does it
/// (`topk_values_mask`, `resolve_sign`, `disjoint_merge`), with v_i flattened over the whole model:
/// 1. trim: keep the top `density` fraction of |v_i| (k = n - int(n * density) and keep
///    |v_i| &gt;= the k-th smallest, so entries equal to the threshold are kept);
/// 2. elect: sign of sum_i trimmed v_i; entries where that sum is 0 take the sign of the sum of
///    all elected signs (the "majority" rule);
/// 3. disjoint mean: sum of the trimmed entries that agree with the elected sign / their count
///    (at least 1); result theta0 + lambda * that (lambda default 1, density default 0.2).
/// `--trim-scope tensor` trims and resolves zero signs per tensor; per-tensor densities (or drops)
/// trim and elect each group of tensors sharing a value on its own. `dare-ties` replaces step 1's
/// input with DARE-dropped task vectors (<see cref="DareDrop"/>, drop default 0.9).
/// </summary>
sealed class Ties(MergeOptions options, bool dare) : MergeMethod
{
    static readonly NumberParameter DensityParameter = new("density", 0.2, 0, 1, "fraction of update entries kept");

    internal static IReadOnlyList<MergeParameter> Declared(bool dare) =>
        dare ? [DensityParameter, SharedParameters.Lambda, SharedParameters.TrimScope, SharedParameters.Drop, SharedParameters.Seed]
            : [DensityParameter, SharedParameters.Lambda, SharedParameters.TrimScope];

    readonly double _density = Density(options);
    readonly double _drop = Drop(options, dare);
    readonly TrimScope _scope = SharedParameters.TrimScope.Of(options);
    readonly long _seed = SharedParameters.Seed.Of(options);
    readonly Dictionary<(double Density, double Drop), (float?[] Thresholds, double MajoritySign)> _groups = [];

    public override string Name => dare ? "dare-ties" : "ties";

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["density"] = DensityParameter.Describe(options, _density), ["lambda"] = SharedParameters.Lambda.Describe(options, SharedParameters.Lambda.Of(options)),
                ["trim_scope"] = _scope.ToString().ToLowerInvariant(),
            };
            if (dare) { settings["drop"] = SharedParameters.Drop.Describe(options, _drop); settings["seed"] = _seed.ToString(); }
            return settings;
        }
    }

    static double Density(MergeOptions o) => DensityParameter.Of(o);

    static double Drop(MergeOptions o, bool dare) => dare ? SharedParameters.Drop.Of(o) : 0;

    /// <summary>The (density, drop) of tensor <paramref name="name"/>: tensors that share them are trimmed and elected together.</summary>
    (double Density, double Drop) GroupOf(string name)
    {
        var tensor = options.For(name);
        return (Density(tensor), Drop(tensor, dare));
    }

    /// <summary>kthvalue rank of the threshold among n magnitudes; 0 keeps everything.</summary>
    internal static Func<long, long> RankOf(double density) => n => n - (long)(n * density);

    /// <summary>The task vectors TIES trims: DARE-dropped for dare-ties, else theta_i - theta0 (null).</summary>
    Func<int, string, Tensor>? DeltaOf(MergeInputs inputs) =>
        dare ? (i, name) => DareDrop.Apply(inputs.ReadDelta(i, name), GroupOf(name).Drop, _seed, i, name) : null;

    /// <summary>
    /// Model scope: thresholds and the majority sign over all changed tensors, or, with
    /// per-tensor density or drop, over each group of tensors sharing them (each group merges as
    /// if it were a model of its own).
    /// </summary>
    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        var groups = inputs.FloatNames.GroupBy(GroupOf).ToList(); // checks every tensor's density and drop too
        if (_scope == TrimScope.Tensor) return;
        foreach (var group in groups)
        {
            var thresholds = MagnitudeThresholds.Select(inputs, group.ToList(), RankOf(group.Key.Density), leaveOutUnchanged: true, DeltaOf(inputs));
            double majority = ElectedSigns.Majority(inputs, group.Where(n => !inputs.Unchanged(n)), MagnitudeCut.Of(thresholds, keepEqual: true), DeltaOf(inputs));
            _groups[group.Key] = (thresholds, majority);
        }
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var deltaOf = DeltaOf(inputs);
        var key = GroupOf(name);
        double lambda = SharedParameters.Lambda.Of(options.For(name));
        var (thresholds, majority) = _scope == TrimScope.Tensor
            ? (MagnitudeThresholds.Select(inputs, [name], RankOf(key.Density), leaveOutUnchanged: false, deltaOf), double.NaN)
            : _groups[key];
        var cuts = MagnitudeCut.Of(thresholds, keepEqual: true);
        if (_scope == TrimScope.Tensor) majority = ElectedSigns.Majority(inputs, [name], cuts, deltaOf);
        return TaskVectorPass.Produce(inputs, name, output => new DisjointMean(cuts, majority, lambda, output), deltaOf);
    }
}
