namespace Ham.Data.Synthetic;

/// <summary>
/// The synthetic data's random source: SplitMix64 (Steele, Lea and Flood 2014), small and fully
/// specified here so the same seed gives the same images on any .NET version. Each image gets its
/// own instance seeded from (seed, what, which), so images can be drawn in parallel.
/// </summary>
sealed class SynthRandom(ulong seed)
{
    ulong state = seed;

    public static SynthRandom For(ulong seed, params long[] path)
    {
        ulong s = Mix(seed);
        foreach (long p in path) s = Mix(s ^ Mix((ulong)p + 0x632BE59BD9B4E019UL));
        return new SynthRandom(s);
    }

    public ulong NextUInt64() => Mix(state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, count).</summary>
    public int Index(int count) => (int)(NextDouble() * count);

    public T Pick<T>(IReadOnlyList<T> items) => items[Index(items.Count)];

    /// <summary>Standard normal by Box-Muller.</summary>
    public double Normal() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
