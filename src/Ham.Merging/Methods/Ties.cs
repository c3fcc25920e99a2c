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
/// `--trim-scope tensor` trims and resolves zero signs per tensor. `dare-ties` replaces step 1's
/// input with DARE-dropped task vectors (<see cref="DareDrop"/>, drop default 0.9).
/// </summary>
sealed class Ties(MergeOptions options, bool dare) : MergeMethod
{
    readonly double _density = MergeOptions.InRange(options.Density ?? 0.2, 0, 1, "--density");
    readonly double _lambda = options.Lambda ?? 1.0;
    readonly double _drop = dare ? MergeOptions.InRange(options.Drop ?? 0.9, 0, 0.999999, "--drop") : 0;
    float?[] _thresholds = [];
    double _majoritySign;

    public override string Name => dare ? "dare-ties" : "ties";

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["density"] = _density.ToString("R"), ["lambda"] = _lambda.ToString("R"),
                ["trim_scope"] = options.TrimScope.ToString().ToLowerInvariant(),
            };
            if (dare) { settings["drop"] = _drop.ToString("R"); settings["seed"] = options.Seed.ToString(); }
            return settings;
        }
    }

    /// <summary>kthvalue rank of the threshold among n magnitudes; 0 keeps everything.</summary>
    long RankOf(long n) => n - (long)(n * _density);

    /// <summary>The task vectors TIES trims: DARE-dropped for dare-ties, else theta_i - theta0 (null).</summary>
    Func<int, string, Tensor>? DeltaOf(MergeInputs inputs) =>
        dare ? (i, name) => DareDrop.Apply(inputs.ReadDelta(i, name), _drop, options.Seed, i, name) : null;

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        if (options.TrimScope == TrimScope.Tensor) return;
        var names = inputs.FloatNames.ToList();
        _thresholds = MagnitudeThresholds.Select(inputs, names, RankOf, leaveOutUnchanged: true, DeltaOf(inputs));
        _majoritySign = ElectedSigns.Majority(inputs, names.Where(n => !inputs.Unchanged(n)), MagnitudeCut.Of(_thresholds, keepEqual: true), DeltaOf(inputs));
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var deltaOf = DeltaOf(inputs);
        var thresholds = options.TrimScope == TrimScope.Tensor
            ? MagnitudeThresholds.Select(inputs, [name], RankOf, leaveOutUnchanged: false, deltaOf)
            : _thresholds;
        var cuts = MagnitudeCut.Of(thresholds, keepEqual: true);
        double majority = options.TrimScope == TrimScope.Tensor ? ElectedSigns.Majority(inputs, [name], cuts, deltaOf) : _majoritySign;
        return TaskVectorPass.Produce(inputs, name, output => new DisjointMean(cuts, majority, _lambda, output), deltaOf);
    }
}
