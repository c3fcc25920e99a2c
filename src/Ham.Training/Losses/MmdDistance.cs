using Ham.Torch;

namespace Ham.Training.Losses;

/// <summary>
/// The squared maximum mean discrepancy between two domains' feature batches under a sum of
/// Gaussian kernels (Li et al. 2018, "Domain Generalization with Adversarial Feature Learning",
/// MMD-AAE), as DomainBed's <c>AbstractMMD.mmd</c> with gaussian=True (its MMD algorithm):
///   k(a, b) = sum_{gamma in G} exp(-gamma ||a - b||^2),  G = {1e-3, 1e-2, 0.1, 1, 10, 100, 1e3},
///   MMD^2 = mean k(x, x') + mean k(y, y') - 2 mean k(x, y)   (biased: every pair, diagonal included).
/// Squared distances are DomainBed's <c>my_cdist</c>: ||a||^2 - 2 a.b + ||b||^2, clamped below at
/// 1e-30, in that order of operations, so float32 rounding matches DomainBed's.
/// </summary>
public static class MmdDistance
{
    static readonly double[] Gammas = [1e-3, 1e-2, 0.1, 1, 10, 100, 1e3];

    /// <summary>
    /// MMD^2 for features x (n, d) and y (m, d); differentiable in both. Returns a scalar tensor
    /// the caller owns (in the caller's scope).
    /// </summary>
    public static Tensor Compute(Tensor x, Tensor y)
    {
        LossInputs.RequireFeaturePair("MMD", x, y, minRows: 1);
        using var scope = new DisposeScope();
        var kxx = GaussianKernel(x, x).Mean();
        var kyy = GaussianKernel(y, y).Mean();
        var kxy = GaussianKernel(x, y).Mean();
        return scope.MoveToOuter(kxx + kyy - kxy * 2);
    }

    /// <summary>sum over G of exp(-gamma D), D = squared distances (n, m).</summary>
    static Tensor GaussianKernel(Tensor a, Tensor b)
    {
        var distances = SquaredDistances(a, b);
        Tensor kernel = (distances * -Gammas[0]).Exp();
        foreach (double gamma in Gammas.Skip(1)) kernel = kernel + (distances * -gamma).Exp();
        return kernel;
    }

    /// <summary>
    /// my_cdist: (||b_j||^2 - 2 a_i.b_j) + ||a_i||^2, clamped at 1e-30. (DomainBed's addmm(beta=1,
    /// alpha=-2) equals the product scaled by -2 and added: scaling by 2 is exact.)
    /// </summary>
    static Tensor SquaredDistances(Tensor a, Tensor b)
    {
        var normA = a.Square().Sum([-1], keepDim: true);
        var normB = b.Square().Sum([-1], keepDim: true);
        var cross = Functional.MatMul(a, b.T) * -2.0;
        return (normB.T + cross + normA).Clamp(min: 1e-30);
    }
}
