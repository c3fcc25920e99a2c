using Ham.Torch;

namespace Ham.Training.Losses;

/// <summary>
/// The CORAL distance between two domains' feature batches (Sun and Saenko 2016, "Deep CORAL:
/// Correlation Alignment for Deep Domain Adaptation"), as DomainBed's <c>AbstractMMD.mmd</c> with
/// gaussian=False (its CORAL algorithm): with mu the column means and
/// C = (x - mu_x)^T (x - mu_x) / (n - 1) the unbiased covariance,
///   D = mean_j (mu_x,j - mu_y,j)^2 + mean_jk (C_x,jk - C_y,jk)^2,
/// both means over the entries (DomainBed's normalisation, not the paper's 1/(4 d^2) Frobenius norm).
/// </summary>
public static class CoralDistance
{
    /// <summary>
    /// D for features x (n, d) and y (m, d), n, m >= 2; differentiable in both. Returns a scalar
    /// tensor the caller owns (in the caller's scope).
    /// </summary>
    public static Tensor Compute(Tensor x, Tensor y)
    {
        LossInputs.RequireFeaturePair("CORAL", x, y, minRows: 2);
        using var scope = new DisposeScope();
        var (meanX, covarianceX) = Moments(x);
        var (meanY, covarianceY) = Moments(y);
        var meanDifference = (meanX - meanY).Square().Mean();
        var covarianceDifference = (covarianceX - covarianceY).Square().Mean();
        return scope.MoveToOuter(meanDifference + covarianceDifference);
    }

    /// <summary>Column means (1, d) and the unbiased covariance (d, d) of rows (n, d).</summary>
    static (Tensor Mean, Tensor Covariance) Moments(Tensor features)
    {
        var mean = features.Mean([0], keepDim: true);
        var centred = features - mean;
        return (mean, Functional.MatMul(centred.T, centred) / (features.Size(0) - 1));
    }
}
