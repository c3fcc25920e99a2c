using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `task-arithmetic` (Ilharco et al., ICLR 2023, "Editing models with task arithmetic"):
/// theta0 + lambda * sum_i v_i with v_i = theta_i - theta0, lambda default 1/N.
/// `dare-ta`: the same on DARE-dropped task vectors (<see cref="DareDrop"/>, drop default 0.9).
/// </summary>
sealed class TaskArithmetic(MergeOptions options, bool dare) : MergeMethod
{
    readonly double _drop = dare ? MergeOptions.InRange(options.Drop ?? 0.9, 0, 0.999999, "--drop") : 0;

    public override string Name => dare ? "dare-ta" : "task-arithmetic";

    public override IReadOnlyDictionary<string, string> Settings => dare
        ? new Dictionary<string, string> { ["lambda"] = Lambda.ToString("R"), ["drop"] = _drop.ToString("R"), ["seed"] = options.Seed.ToString() }
        : new Dictionary<string, string> { ["lambda"] = Lambda.ToString("R") };

    double Lambda { get; set; } = options.Lambda ?? double.NaN;

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        if (double.IsNaN(Lambda)) Lambda = 1.0 / inputs.Models.Count;
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var deltas = inputs.ReadDeltas(name);
        var sum = DareDrop.Apply(deltas[0], _drop, options.Seed, 0, name);
        for (int i = 1; i < deltas.Length; i++) sum = sum + DareDrop.Apply(deltas[i], _drop, options.Seed, i, name);
        return inputs.ReadBase(name) + sum * Lambda;
    }
}
