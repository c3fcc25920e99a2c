using Ham.Merging;
using Ham.Torch;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// `regmean` (Jin, Ren, Preotiuc-Pietro and Cheng, ICLR 2023, "Dataless Knowledge Fusion by
/// Merging Weights of Language Models"): for a linear layer y = x W^T, the W minimizing
/// sum_i ||X_i W^T - X_i W_i^T||^2 over every model's own layer inputs X_i is
/// W^T = (sum_i G_i)^-1 sum_i G_i W_i^T, G_i = X_i^T X_i. The paper's regularization scales the
/// off-diagonals of each G_i by alpha (G_i' = alpha G_i + (1 - alpha) diag(G_i); alpha = 1 is the
/// exact least squares). Every tensor without Gram matrices (biases, norms, convolutions,
/// embeddings) is the plain mean. No base needed.
/// </summary>
public sealed class RegMean(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> grams, double alpha) : MergeMethod
{
    public const double DefaultAlpha = 0.9;

    public override string Name => "regmean";

    /// <summary>The weights merged by the RegMean solve (those with Gram matrices).</summary>
    public IEnumerable<string> Layers => grams[0].Keys;

    public override (int Min, int Max) ModelCount => (grams.Count, grams.Count);

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["alpha"] = alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["regmean_layers"] = grams[0].Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public override void Prepare(MergeInputs inputs)
    {
        if (alpha is < 0 or > 1) throw new ArgumentException($"--alpha: regmean expects 0 <= alpha <= 1, got {alpha}");
        foreach (string name in grams[0].Keys)
        {
            if (!inputs.Names.Contains(name)) throw new ArgumentException($"regmean: the models have no tensor '{name}' for its Gram matrix");
            if (grams.Any(g => !g.ContainsKey(name))) throw new ArgumentException($"regmean: some model has no Gram matrix for '{name}'");
        }
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        if (!grams[0].ContainsKey(name)) return Uniform.Merge(inputs, name);
        var weights = inputs.ReadModels(name);
        return Solve(weights, grams.Select(g => g[name]).ToList(), alpha).To(weights[0].DType);
    }

    /// <summary>The tensors without Gram matrices: the uniform soup.</summary>
    static readonly MergeMethod Uniform = MergeMethod.Create("average", new MergeOptions());

    /// <summary>
    /// W = (sum_i W_i G_i') (sum_i G_i')^-1 for weights (out, in) and Grams (in, in), in float64.
    /// An input feature that is zero on every model's data (a ReLU unit no image activates, as
    /// before a ResNet's fc) leaves the sum singular and its column undetermined: each G_i' gets a
    /// unit diagonal there, so that column is the plain mean.
    /// </summary>
    public static Tensor Solve(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> grams, double alpha)
    {
        var regularized = new List<Tensor>();
        for (int i = 0; i < weights.Count; i++)
        {
            var g = grams[i].To(DType.Float64);
            if (g.Dim != 2 || g.Size(0) != weights[i].Size(1) || g.Size(1) != weights[i].Size(1))
                throw new ArgumentException($"regmean: a Gram matrix of shape [{string.Join(", ", g.Shape)}] does not fit a weight of shape [{string.Join(", ", weights[i].Shape)}]");
            regularized.Add(g * alpha + g.Diagonal().DiagEmbed() * (1 - alpha));
        }
        var diagonalSum = regularized.Skip(1).Aggregate(regularized[0].Diagonal(), (sum, g) => sum + g.Diagonal());
        var unseen = diagonalSum.Eq(0).To(DType.Float64).DiagEmbed();
        Tensor? gramSum = null, weighted = null;
        for (int i = 0; i < weights.Count; i++)
        {
            var g = regularized[i] + unseen;
            var term = Functional.MatMul(weights[i].To(DType.Float64), g);
            gramSum = gramSum is null ? g : gramSum + g;
            weighted = weighted is null ? term : weighted + term;
        }
        return Functional.MatMul(weighted!, Linalg.Inverse(gramSum!));
    }
}
