using Ham.Torch;

namespace Ham.Experiments.Tsne;

/// <summary>
/// The conditional affinities of t-SNE (van der Maaten &amp; Hinton 2008, section 2):
/// p_j|i = exp(-beta_i d_ij) / sum_{k != i} exp(-beta_i d_ik) over squared distances d, with the
/// precision beta_i = 1 / (2 sigma_i^2) of each point chosen so that the entropy of P_i,
/// H(P_i) = log(sum_k e_k) + beta_i sum_j d_ij p_j|i (natural log), equals log(perplexity).
/// The search is scikit-learn's <c>_binary_search_perplexity</c>: beta starts at 1, doubles or
/// halves until the entropy is bracketed, then bisects; it stops within 1e-5 of the target or
/// after 100 steps, and P_i is the distribution at the last beta tried. Each row is searched on
/// its own (rows in parallel), so the result does not depend on the thread count.
/// </summary>
public static unsafe class PerplexitySearch
{
    public const double EntropyTolerance = 1e-5;
    public const int MaxSteps = 100;
    /// <summary>The sum a row falls back to when every exp(-beta d) underflows (scikit-learn's EPSILON_DBL).</summary>
    const double EmptyRowSum = 1e-8;

    /// <summary>The (N, N) float64 matrix of p_j|i (row i, zero diagonal) from (N, N) float64 squared distances; the caller owns it.</summary>
    public static Tensor Conditional(Tensor squaredDistances, double perplexity)
    {
        if (squaredDistances.Dim != 2 || squaredDistances.Size(0) != squaredDistances.Size(1) || squaredDistances.DType != DType.Float64)
            throw new ArgumentException($"squared distances: expected a square float64 matrix, got {squaredDistances}");
        if (!(perplexity > 0)) throw new ArgumentException($"perplexity: expected a positive number, got {perplexity}");
        int n = (int)squaredDistances.Size(0);
        using var distances = squaredDistances.Contiguous();
        var conditional = Tensor.Zeros([n, n], DType.Float64);
        nint source = distances.DataAddress, target = conditional.DataAddress;
        double desiredEntropy = Math.Log(perplexity);
        Parallel.For(0, n, i => SearchRow((double*)source + (long)i * n, (double*)target + (long)i * n, n, i, desiredEntropy));
        return conditional;
    }

    static void SearchRow(double* distances, double* p, int n, int self, double desiredEntropy)
    {
        double beta = 1, betaMin = double.NegativeInfinity, betaMax = double.PositiveInfinity;
        for (int step = 0; step < MaxSteps; step++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == self) continue;
                p[j] = Math.Exp(-distances[j] * beta);
                sum += p[j];
            }
            if (sum == 0) sum = EmptyRowSum;
            double weightedDistance = 0;
            for (int j = 0; j < n; j++)
            {
                p[j] /= sum;
                weightedDistance += distances[j] * p[j];
            }
            double entropyDifference = Math.Log(sum) + beta * weightedDistance - desiredEntropy;
            if (Math.Abs(entropyDifference) <= EntropyTolerance) return;
            if (entropyDifference > 0)
            {
                betaMin = beta;
                beta = double.IsPositiveInfinity(betaMax) ? beta * 2 : (beta + betaMax) / 2;
            }
            else
            {
                betaMax = beta;
                beta = double.IsNegativeInfinity(betaMin) ? beta / 2 : (beta + betaMin) / 2;
            }
        }
    }
}
