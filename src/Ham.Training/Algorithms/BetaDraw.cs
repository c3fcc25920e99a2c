using Ham.Data.Splits;

namespace Ham.Training.Algorithms;

/// <summary>
/// A Beta(a, b) draw from a seeded MT19937 stream, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
/// Gamma(k >= 1) by Marsaglia and Tsang ("A simple method for generating gamma variables", ACM
/// TOMS 2000): d = k - 1/3, c = 1 / sqrt(9 d); draw z ~ N(0, 1), v = (1 + c z)^3 until v > 0 and
/// log u &lt; z^2 / 2 + d - d v + d log v, return d v. Gamma(k &lt; 1) = Gamma(k + 1) u^(1/k).
/// Normals by Box-Muller. (Not numpy's bit stream: the draws need a seed, not numpy's values.)
/// </summary>
static class BetaDraw
{
    public static double Sample(LegacyRandomState random, double a, double b)
    {
        if (!(a > 0) || !(b > 0)) throw new ArgumentOutOfRangeException(nameof(a), $"Beta({a}, {b}) needs positive parameters");
        double x = Gamma(random, a), y = Gamma(random, b);
        return x / (x + y);
    }

    static double Gamma(LegacyRandomState random, double k)
    {
        if (k < 1) return Gamma(random, k + 1) * Math.Pow(Uniform(random), 1 / k);
        double d = k - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z = Normal(random), v = Math.Pow(1 + c * z, 3);
            if (v <= 0) continue;
            if (Math.Log(Uniform(random)) < z * z / 2 + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>A uniform draw in (0, 1): the logs above need it non-zero.</summary>
    static double Uniform(LegacyRandomState random)
    {
        double u;
        do u = random.RandomSample(); while (u == 0);
        return u;
    }

    static double Normal(LegacyRandomState random) =>
        Math.Sqrt(-2 * Math.Log(Uniform(random))) * Math.Cos(2 * Math.PI * random.RandomSample());
}
