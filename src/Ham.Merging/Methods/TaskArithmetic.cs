using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `task-arithmetic` (Ilharco et al., ICLR 2023, "Editing models with task arithmetic"):
/// theta0 + lambda * sum_i w_i v_i with v_i = theta_i - theta0, lambda default 1/N, weights w_i
/// default 1 (mergekit's per-model `weight`); lambda, drop and weights may be per tensor.
/// `dare-ta`: the same on DARE-dropped task vectors (<see cref="DareDrop"/>, drop default 0.9).
/// </summary>
sealed class TaskArithmetic(MergeOptions options, bool dare) : MergeMethod
{
    static readonly NumberParameter LambdaParameter =
        new("lambda", null, double.NegativeInfinity, double.PositiveInfinity, SharedParameters.Lambda.Help, Computed: "1/N");

    internal static IReadOnlyList<MergeParameter> Declared(bool dare) =>
        dare ? [LambdaParameter, SharedParameters.Weights, SharedParameters.Drop, SharedParameters.Seed] : [LambdaParameter, SharedParameters.Weights];

    readonly double _drop = Drop(options, dare);
    readonly long _seed = SharedParameters.Seed.Of(options);
    double _defaultLambda = double.NaN;

    public override string Name => dare ? "dare-ta" : "task-arithmetic";

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = Average.WeightSettings(options);
            settings["lambda"] = LambdaParameter.Describe(options, LambdaParameter.GivenValue(options) ?? _defaultLambda);
            if (dare) { settings["drop"] = SharedParameters.Drop.Describe(options, _drop); settings["seed"] = _seed.ToString(); }
            return settings;
        }
    }

    static double Drop(MergeOptions o, bool dare) => dare ? SharedParameters.Drop.Of(o) : 0;

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        _defaultLambda = 1.0 / inputs.Models.Count;
        foreach (string name in inputs.FloatNames)
        {
            var tensor = options.For(name);
            Drop(tensor, dare);
            LambdaParameter.GivenValue(tensor);
            if (SharedParameters.Weights.Of(tensor) is { } w && w.Count != inputs.Models.Count)
                throw new ArgumentException($"--weights: expected {inputs.Models.Count} weights, got [{string.Join(", ", w)}] (for '{name}')");
        }
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var tensor = options.For(name);
        double drop = Drop(tensor, dare);
        var weights = SharedParameters.Weights.Of(tensor);
        var deltas = inputs.ReadDeltas(name);
        Tensor Term(int i) => DareDrop.Apply(deltas[i], drop, _seed, i, name) is var v && weights is { } w ? v * w[i] : v;
        var sum = Term(0);
        for (int i = 1; i < deltas.Length; i++) sum = sum + Term(i);
        return inputs.ReadBase(name) + sum * (LambdaParameter.GivenValue(tensor) ?? _defaultLambda);
    }
}
