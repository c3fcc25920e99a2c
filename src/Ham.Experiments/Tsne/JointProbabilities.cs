using Ham.Torch;

namespace Ham.Experiments.Tsne;

/// <summary>
/// t-SNE's input affinities (van der Maaten &amp; Hinton 2008, section 3.1): the symmetrized joint
/// probabilities p_ij = (p_j|i + p_i|j) / (2N), computed as scikit-learn's
/// <c>_joint_probabilities</c> does: P = C + C^T divided by its sum, every off-diagonal entry
/// raised to at least machine epsilon, the diagonal zero. All in float64.
/// </summary>
public static class JointProbabilities
{
    public static readonly double MachineEpsilon = Math.Pow(2, -52);

    /// <summary>The (N, N) float64 joint probabilities of the rows of (N, D) <paramref name="features"/>; the caller owns it.</summary>
    public static Tensor Of(Tensor features, double perplexity)
    {
        if (features.Dim != 2) throw new ArgumentException($"features: expected an (N, D) matrix, got {features}");
        using var scope = new DisposeScope();
        var distances = SquaredDistances(features);
        var conditional = PerplexitySearch.Conditional(distances, perplexity);
        var joint = conditional + conditional.T;
        double total = Math.Max(joint.Sum().Item(), MachineEpsilon);
        joint.Mul_(1 / total);
        joint.Clamp_(MachineEpsilon, double.PositiveInfinity);
        joint.Diagonal().Zero_();
        return scope.MoveToOuter(joint);
    }

    /// <summary>
    /// |x_i - x_j|^2 = |x_i|^2 + |x_j|^2 - 2 x_i.x_j in float64 (scikit-learn's euclidean_distances
    /// with squared=True): clamped at 0 against rounding, exactly 0 on the diagonal. The caller owns it.
    /// </summary>
    public static Tensor SquaredDistances(Tensor features)
    {
        using var scope = new DisposeScope();
        var x = features.To(DType.Float64);
        var norms = x.Square().Sum(1, keepDim: true);
        var distances = Functional.Mm(x, x.T).Mul_(-2).Add_(norms).Add_(norms.T);
        distances.Clamp_(0, double.PositiveInfinity);
        distances.Diagonal().Zero_();
        return scope.MoveToOuter(distances);
    }
}
