using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `bn-stats` (Li et al., ECCV 2024, training-free merging of models with batch norm):
/// parameters averaged; each batch-norm layer's running statistics merged as a Gaussian mixture
/// with weights w_i = n_i / sum_j n_j, n_i = num_batches_tracked of model i (uniform when all are 0):
/// mean = sum_i w_i mu_i, var = sum_i w_i (var_i + (mu_i - mean)^2), num_batches_tracked = sum_i n_i.
/// No base needed.
/// </summary>
sealed class BatchNormStatisticsMerge : MergeMethod
{
    const string MeanSuffix = ".running_mean", VarSuffix = ".running_var", CountSuffix = ".num_batches_tracked";

    public override string Name => "bn-stats";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public override bool Merges(MergeInputs inputs, string name) =>
        base.Merges(inputs, name) || (name.EndsWith(CountSuffix) && inputs.AllModelsHave(name));

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        if (name.EndsWith(CountSuffix))
        {
            var total = inputs.Models[0].Read(name).To(DType.Int64);
            for (int i = 1; i < inputs.Models.Count; i++) total = total + inputs.Models[i].Read(name).To(DType.Int64);
            return total;
        }
        bool isMean = name.EndsWith(MeanSuffix), isVar = name.EndsWith(VarSuffix);
        if (!isMean && !isVar) return Average.WeightedSum(inputs.ReadModels(name), Average.Normalized(null, inputs.Models.Count));

        string layer = name[..^(isMean ? MeanSuffix.Length : VarSuffix.Length)];
        double[] w = MixtureWeights(inputs, layer);
        var means = inputs.ReadModels(layer + MeanSuffix);
        var mean = Average.WeightedSum(means, w);
        if (isMean) return mean;
        var variances = inputs.ReadModels(name);
        var spread = variances.Select((v, i) => v + (means[i] - mean).Square()).ToArray();
        return Average.WeightedSum(spread, w);
    }

    static double[] MixtureWeights(MergeInputs inputs, string layer)
    {
        string countName = layer + CountSuffix;
        if (!inputs.Reference.Contains(countName) || !inputs.AllModelsHave(countName))
            return Average.Normalized(null, inputs.Models.Count);
        var counts = inputs.Models.Select(m => { using var n = m.Read(countName); return (double)n.ItemLong(); }).ToArray();
        return counts.Sum() > 0 ? Average.Normalized(counts, counts.Length) : Average.Normalized(null, counts.Length);
    }
}
