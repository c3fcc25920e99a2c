using Ham.Torch;

namespace Ham.Training.Losses;

/// <summary>
/// Inter-domain mixup (Yan et al. 2020, "Improve Unsupervised Domain Adaptation with Mixup
/// Training"; Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization"), as DomainBed's
/// <c>Mixup</c> algorithm: each domain's batch is paired with another's (<see cref="Pairs"/>), the
/// pair's inputs are mixed with lam ~ Beta(alpha, alpha),
///   x = lam x_i + (1 - lam) x_j,
/// and the prediction p on x is scored against both label sets,
///   L = lam CE(p, y_i) + (1 - lam) CE(p, y_j).
/// DomainBed then divides the sum of L over the pairs by the number of domains.
/// </summary>
public static class MixupLoss
{
    /// <summary>
    /// L for logits (N, C) predicted on the mixed batch and the pair's int64 labels (N each);
    /// differentiable in <paramref name="logits"/>. Returns a scalar tensor the caller owns (in the caller's scope).
    /// </summary>
    public static Tensor Compute(Tensor logits, Tensor labelsI, Tensor labelsJ, double lam)
    {
        LossInputs.RequireLogitsAndLabels("mixup", logits, labelsI, "labelsI");
        LossInputs.RequireLogitsAndLabels("mixup", logits, labelsJ, "labelsJ");
        RequireWeight(lam);
        using var scope = new DisposeScope();
        var loss = Functional.CrossEntropy(logits, labelsI) * lam + Functional.CrossEntropy(logits, labelsJ) * (1 - lam);
        return scope.MoveToOuter(loss);
    }

    /// <summary>
    /// x = lam x_i + (1 - lam) x_j for two batches of the same shape and dtype (cut both to the
    /// shorter batch first, as DomainBed does); differentiable in both. Returns a tensor the caller
    /// owns (in the caller's scope).
    /// </summary>
    public static Tensor Mix(Tensor xi, Tensor xj, double lam)
    {
        if (!xi.Shape.SequenceEqual(xj.Shape) || xi.DType != xj.DType)
            throw new ArgumentException($"mixup: xi and xj must have one shape and dtype, got {xi.DType} [{string.Join(", ", xi.Shape)}] and {xj.DType} [{string.Join(", ", xj.Shape)}]");
        RequireWeight(lam);
        using var scope = new DisposeScope();
        return scope.MoveToOuter(xi * lam + xj * (1 - lam));
    }

    /// <summary>
    /// DomainBed's <c>random_pairs_of_minibatches</c> with its permutation supplied: for a
    /// permutation pi of the n domains (DomainBed draws it with torch.randperm; the caller draws it
    /// from its seed), pair k is (pi[k], pi[(k + 1) mod n]): each domain is mixed with the next
    /// one cyclically, and a single domain with itself. DomainBed cuts each pair's two batches to
    /// the shorter one's length.
    /// </summary>
    public static (int First, int Second)[] Pairs(IReadOnlyList<int> permutation)
    {
        int n = permutation.Count;
        if (n == 0) throw new ArgumentException("mixup pairs: the permutation is empty (no domains)");
        if (!permutation.Order().SequenceEqual(Enumerable.Range(0, n)))
            throw new ArgumentException($"mixup pairs: expected a permutation of 0..{n - 1}, got [{string.Join(", ", permutation)}]");
        return Enumerable.Range(0, n).Select(k => (permutation[k], permutation[(k + 1) % n])).ToArray();
    }

    static void RequireWeight(double lam)
    {
        if (!(lam is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(lam), lam, "mixup: lam must be in [0, 1]");
    }
}
