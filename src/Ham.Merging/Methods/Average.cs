using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `average`: the (weighted) mean of the models, sum_i w_i theta_i / sum_i w_i; uniform weights
/// give the uniform model soup (Wortsman et al., ICML 2022, "Model soups"). No base needed.
/// </summary>
sealed class Average(MergeOptions options) : MergeMethod
{
    public override string Name => "average";

    public override IReadOnlyDictionary<string, string> Settings => options.Weights is { } w
        ? new Dictionary<string, string> { ["weights"] = string.Join(",", w) }
        : new Dictionary<string, string>();

    public override void Prepare(MergeInputs inputs)
    {
        if (options.Weights is { } w && (w.Count != inputs.Models.Count || w.Any(x => x < 0) || w.Sum() <= 0))
            throw new ArgumentException($"--weights: expected {inputs.Models.Count} non-negative weights with a positive sum, got [{string.Join(", ", w)}]");
    }

    public override Tensor Merge(MergeInputs inputs, string name) => WeightedSum(inputs.ReadModels(name), Normalized(options.Weights, inputs.Models.Count));

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
