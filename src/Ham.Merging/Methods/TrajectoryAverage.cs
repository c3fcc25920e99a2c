using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `trajectory`: the Beta(beta, beta)-weighted average of checkpoints t = 0..T saved along one
/// training run, in the order given, w_t = BetaPDF((t + 0.5) / (T + 1)) normalized (beta default
/// 0.5): HAM's and CLIPood's historical average (<see cref="BetaWeights"/>) for users who kept
/// snapshots instead of a running average. No base needed.
/// </summary>
sealed class TrajectoryAverage(MergeOptions options) : MergeMethod
{
    readonly Dictionary<double, double[]> _weights = [];

    public override string Name => "trajectory";

    internal static readonly NumberParameter BetaParameter = new("beta", 0.5, 0, double.PositiveInfinity, "Beta(beta, beta) weights along the run");

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["beta"] = BetaParameter.Describe(options, BetaParameter.Of(options)) };

    public override (int Min, int Max) ModelCount => (2, int.MaxValue);

    /// <summary>The normalized weights of every beta the tensors use (beta may be per tensor).</summary>
    public override void Prepare(MergeInputs inputs)
    {
        int last = inputs.Models.Count - 1;
        foreach (double beta in inputs.FloatNames.Select(n => BetaParameter.Of(options.For(n))).Distinct())
            _weights[beta] = Average.Normalized(Enumerable.Range(0, last + 1).Select(t => BetaWeights.At(t, last, beta)).ToArray(), last + 1);
    }

    public override Tensor Merge(MergeInputs inputs, string name) => Average.WeightedSum(inputs.ReadModels(name), _weights[BetaParameter.Of(options.For(name))]);
}
