using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `average`: the (weighted) mean of the models, sum_i w_i theta_i / sum_i w_i; uniform weights
/// give the uniform model soup (Wortsman et al., ICML 2022, "Model soups"). No base needed.
/// </summary>
sealed class Average(MergeOptions options) : MergeMethod
{
    public override string Name => "average";

    public override IReadOnlyDictionary<string, string> Settings => WeightSettings(options);

    /// <summary>Checks the weights of every tensor (per-model weights may differ per tensor).</summary>
    public override void Prepare(MergeInputs inputs)
    {
        foreach (string name in inputs.FloatNames) CheckWeights(SharedParameters.Weights.Of(options.For(name)), inputs.Models.Count, name);
    }

    public override Tensor Merge(MergeInputs inputs, string name) => WeightedSum(inputs.ReadModels(name), Normalized(SharedParameters.Weights.Of(options.For(name)), inputs.Models.Count));

    internal static void CheckWeights(IReadOnlyList<double>? w, int models, string tensor)
    {
        if (w is not null && (w.Count != models || w.Any(x => x < 0) || w.Sum() <= 0))
            throw new ArgumentException($"--weights: expected {models} non-negative weights with a positive sum, got [{string.Join(", ", w)}] (for '{tensor}')");
    }

    /// <summary>The weights for metadata: the list, or each model's per-tensor rules.</summary>
    internal static Dictionary<string, string> WeightSettings(MergeOptions options) =>
        options.ModelWeights is { } rules ? new() { ["weights"] = string.Join(" | ", rules) }
        : SharedParameters.Weights.Of(options) is { } w ? new() { ["weights"] = string.Join(",", w) }
        : new();

    internal static double[] Normalized(IReadOnlyList<double>? weights, int count)
    {
        double[] w = weights?.ToArray() ?? Enumerable.Repeat(1.0, count).ToArray();
        double total = w.Sum();
        return w.Select(x => x / total).ToArray();
    }

    internal static Tensor WeightedSum(IReadOnlyList<Tensor> tensors, IReadOnlyList<double> weights)
    {
        var sum = tensors[0] * weights[0];
        for (int i = 1; i < tensors.Count; i++) sum.Add_(tensors[i], weights[i]);
        return sum;
    }
}
