namespace Ham.Merging;

/// <summary>
/// The weights of HAM's (and CLIPood's) historical average: step t of T counts with
/// w_t = BetaPDF(beta, beta)((t + 0.5) / (T + 1)), t = 0 (the starting model) .. T.
/// With beta &lt; 1 the density is U-shaped, so the earliest and latest steps count most.
/// Source: CLIPood (Shu et al., ICML 2023), main.py `weight_func`; HAM section 3.4.
/// </summary>
public static class BetaWeights
{
    /// <summary>w_t for step t of <paramref name="totalSteps"/>.</summary>
    public static double At(int step, int totalSteps, double beta)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "total steps must be >= 1");
        if (step < 0 || step > totalSteps) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be in 0..{totalSteps}");
        return SymmetricBetaPdf((step + 0.5) / (totalSteps + 1), beta);
    }

    /// <summary>
    /// Beta(b, b) density: x^(b-1) (1-x)^(b-1) / B(b, b), with B(b, b) = Gamma(b)^2 / Gamma(2b).
    /// </summary>
    public static double SymmetricBetaPdf(double x, double beta)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be > 0");
        if (x <= 0 || x >= 1) throw new ArgumentOutOfRangeException(nameof(x), x, "x must be in (0, 1)");
        double logB = 2 * LogGamma(beta) - LogGamma(2 * beta);
        return Math.Exp((beta - 1) * (Math.Log(x) + Math.Log(1 - x)) - logB);
    }

    /// <summary>
    /// ln Gamma(z) for z &gt; 0 by the Lanczos approximation (g = 7, 9 coefficients; Numerical
    /// Recipes 3rd ed. section 6.1), with the reflection formula below 0.5. Relative error ~1e-15.
    /// </summary>
    public static double LogGamma(double z)
    {
        if (z < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * z)) - LogGamma(1 - z);
        z -= 1;
        double x = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++) x += Lanczos[i] / (z + i);
        double t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(x);
    }

    static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];
}
