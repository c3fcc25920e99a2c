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
    readonly double _drop = Drop(options, dare);
    double _defaultLambda = double.NaN;

    public override string Name => dare ? "dare-ta" : "task-arithmetic";

    public override IReadOnlyList<string> Parameters => dare ? ["lambda", "weights", "drop", "seed"] : ["lambda", "weights"];

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = Average.WeightSettings(options);
            settings["lambda"] = options.Describe("lambda", options.Lambda ?? _defaultLambda);
            if (dare) { settings["drop"] = options.Describe("drop", _drop); settings["seed"] = options.Seed.ToString(); }
            return settings;
        }
    }

    static double Drop(MergeOptions o, bool dare) => dare ? MergeOptions.InRange(o.Drop ?? 0.9, 0, 0.999999, "--drop") : 0;

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        _defaultLambda = 1.0 / inputs.Models.Count;
        foreach (string name in inputs.FloatNames)
        {
            var tensor = options.For(name);
            Drop(tensor, dare);
            if (tensor.Weights is { } w && w.Count != inputs.Models.Count)
                throw new ArgumentException($"--weights: expected {inputs.Models.Count} weights, got [{string.Join(", ", w)}] (for '{name}')");
        }
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var tensor = options.For(name);
        double drop = Drop(tensor, dare);
        var deltas = inputs.ReadDeltas(name);
        Tensor Term(int i) => DareDrop.Apply(deltas[i], drop, options.Seed, i, name) is var v && tensor.Weights is { } w ? v * w[i] : v;
        var sum = Term(0);
        for (int i = 1; i < deltas.Length; i++) sum = sum + Term(i);
        return inputs.ReadBase(name) + sum * (tensor.Lambda ?? _defaultLambda);
    }
}
