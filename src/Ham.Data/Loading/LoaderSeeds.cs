namespace Ham.Data.Loading;

/// <summary>
/// Seeds a loader derives from its own seed, one per (stream, position), so that what a batch or a
/// sample draws depends only on where it is in the stream, never on which thread made it or on
/// what came before (which is also what makes resuming at a batch count exact). The mix is
/// SplitMix64's finalizer (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", 2014) applied twice; the result is folded to 32 bits because torch's CPU
/// generator (mt19937) only uses the low 32 bits of its seed.
/// </summary>
public static class LoaderSeeds
{
    /// <summary>The stream that draws the image indices of batch b (position = b).</summary>
    public const ulong IndexStream = 1;

    /// <summary>The stream that draws the augmentation of sample p (position = b * batch size + k).</summary>
    public const ulong AugmentationStream = 2;

    public static ulong Of(ulong seed, ulong stream, long position)
    {
        ulong z = Mix(Mix(seed ^ (stream * 0x9E3779B97F4A7C15UL)) + (ulong)position);
        return (z ^ (z >> 32)) & 0xFFFFFFFFUL;
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
