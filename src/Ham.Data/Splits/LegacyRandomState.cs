namespace Ham.Data.Splits;

/// <summary>
/// numpy's legacy <c>np.random.RandomState(seed)</c>, reduced to what DomainBed's splits use:
/// integer seeding and <c>shuffle</c>. The generator is MT19937 (Matsumoto and Nishimura 1998);
/// an integer seed initialises it by <c>init_genrand</c> (numpy's <c>mt19937_seed</c>:
/// key[0] = seed, key[i] = 1812433253 (key[i-1] xor (key[i-1] >> 30)) + i, mod 2^32). The same seed
/// gives the same draws as numpy, bit for bit.
/// </summary>
public sealed class LegacyRandomState
{
    const int N = 624, M = 397;
    const uint MatrixA = 0x9908B0DF, UpperMask = 0x80000000, LowerMask = 0x7FFFFFFF;

    readonly uint[] key = new uint[N];
    int position;

    /// <summary>Seeds as <c>RandomState(seed)</c> for an integer seed, which numpy requires to lie in [0, 2^32).</summary>
    public LegacyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(seed), seed, "numpy requires a seed between 0 and 2**32 - 1");
        key[0] = (uint)seed;
        for (int i = 1; i < N; i++) key[i] = 1812433253u * (key[i - 1] ^ (key[i - 1] >> 30)) + (uint)i;
        position = N; // the first draw regenerates the whole state
    }

    /// <summary>MT19937's <c>genrand_int32</c>: the next 32 random bits, tempered.</summary>
    public uint NextUInt32()
    {
        if (position == N) Regenerate();
        uint y = key[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// A uniform integer in [0, max], as numpy's <c>random_interval</c> draws it: mask = the
    /// smallest all-ones number >= max; draw 32 bits, AND with mask, reject values above max.
    /// (numpy switches to 64-bit draws for max >= 2^32, which an int never reaches.)
    /// </summary>
    public int Interval(int max)
    {
        if (max < 0) throw new ArgumentOutOfRangeException(nameof(max), max, "must be non-negative");
        if (max == 0) return 0;
        uint mask = (uint)max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > (uint)max) { }
        return (int)value;
    }

    /// <summary>
    /// <c>RandomState.shuffle</c> on a 1-D sequence: Fisher-Yates from the end, for i = n-1 down
    /// to 1 swap item i with item <see cref="Interval"/>(i).
    /// </summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Interval(i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The MT19937 state transition (all 624 words at once).</summary>
    void Regenerate()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (key[i] & UpperMask) | (key[(i + 1) % N] & LowerMask);
            key[i] = key[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }
        position = 0;
    }
}
