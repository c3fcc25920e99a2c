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

    Tensor[] Deltas(MergeInputs inputs, string name) =>
        inputs.ReadDeltas(name).Select((v, i) => DareDrop.Apply(v, _drop, options.Seed, i, name)).ToArray();

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        if (options.TrimScope == TrimScope.Tensor) return;
        _thresholds = MagnitudeThresholds.OverModel(inputs, (i, name) => DareDrop.Apply(inputs.ReadDelta(i, name), _drop, options.Seed, i, name), RankOf);
        double signSum = 0;
        foreach (string name in inputs.FloatNames)
        {
            using var scope = new DisposeScope();
            signSum += Elect(Trim(Deltas(inputs, name), _thresholds)).Sign().Sum().Item();
        }
        _majoritySign = Math.Sign(signSum);
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var deltas = Deltas(inputs, name);
        var thresholds = options.TrimScope == TrimScope.Tensor
            ? deltas.Select(v => MagnitudeThresholds.OverTensor(v, RankOf)).ToArray()
            : _thresholds;
        var trimmed = Trim(deltas, thresholds);
        var sign = Elect(trimmed).Sign();
        double majority = options.TrimScope == TrimScope.Tensor ? Math.Sign(sign.Sum().Item()) : _majoritySign;
        sign = Tensor.Where(sign.Eq(0), sign.OnesLike() * majority, sign);

        var agreeingSum = sign.ZerosLike();
        var agreeingCount = sign.ZerosLike();
        foreach (var v in trimmed)
        {
            var agrees = Tensor.Where(sign.Gt(0), v.Gt(0), v.Lt(0)).To(v.DType);
            agreeingSum.Add_(v * agrees);
            agreeingCount.Add_(agrees);
        }
        return inputs.ReadBase(name) + agreeingSum / agreeingCount.Clamp(min: 1) * _lambda;
    }

    static Tensor[] Trim(Tensor[] deltas, float?[] thresholds) =>
        deltas.Select((v, i) => v * MagnitudeThresholds.Mask(v, thresholds[i], keepEqual: true)).ToArray();

    static Tensor Elect(Tensor[] trimmed)
    {
        var sum = trimmed[0].Clone();
        foreach (var v in trimmed.Skip(1)) sum.Add_(v);
        return sum;
    }
}
