using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `model-stock` (Jang, Yun and Han, ECCV 2024, "Model Stock: All we need is just a few
/// fine-tuned models"), per tensor: with v_i = theta_i - theta0 and cos = the mean cosine of the
/// angles between the N &gt;= 2 task vectors (over all pairs i &lt; j; 0 where a vector is zero),
/// the interpolation ratio is t = N cos / (1 + (N - 1) cos) and the merge
/// t * mean_i theta_i + (1 - t) * theta0, the point on the line from the base to the models'
/// average closest to the centre of the fine-tuned weights. No parameters.
/// </summary>
sealed class ModelStock : MergeMethod
{
    public override string Name => "model-stock";

    public override (int Min, int Max) ModelCount => (2, int.MaxValue);

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public override void Prepare(MergeInputs inputs) => inputs.RequireBase(Name);

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        int n = inputs.Models.Count;
        var deltas = inputs.ReadDeltas(name).Select(v => v.To(DType.Float64).Flatten()).ToArray();
        var norms = deltas.Select(v => v.Norm().Item()).ToArray();
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                sum += norms[i] > 0 && norms[j] > 0 ? (deltas[i] * deltas[j]).Sum().Item() / (norms[i] * norms[j]) : 0;
        double cosine = sum / (n * (n - 1) / 2);
        double t = n * cosine / (1 + (n - 1) * cosine);
        var average = Average.WeightedSum(inputs.ReadModels(name), Average.Normalized(null, n));
        return average * t + inputs.ReadBase(name) * (1 - t);
    }
}
