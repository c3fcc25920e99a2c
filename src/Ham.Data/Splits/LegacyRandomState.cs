namespace Ham.Data.Splits;

/// <summary>
/// numpy's legacy <c>np.random.RandomState(seed)</c>, reduced to what DomainBed uses: integer
/// seeding, <c>shuffle</c> (its splits) and the scalar draws of its hyperparameter search
/// (<c>random_sample</c>, <c>uniform</c>, <c>randint</c>, <c>choice</c>). The generator is MT19937 (Matsumoto and Nishimura 1998);
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
    /// A uniform integer in [0, max], as numpy's <c>random_interval</c> draws it (see <see cref="Masked"/>).
    /// (numpy switches to 64-bit draws for max >= 2^32, which an int never reaches.)
    /// </summary>
    public int Interval(int max)
    {
        if (max < 0) throw new ArgumentOutOfRangeException(nameof(max), max, "must be non-negative");
        return (int)Masked((uint)max);
    }

    /// <summary>
    /// <c>random_sample()</c> (numpy's <c>mt19937_next_double</c>): a double in [0, 1) with 53
    /// random bits, a = the high 27 bits of one word, b = the high 26 bits of the next,
    /// (a 2^26 + b) / 2^53.
    /// </summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>
    /// <c>uniform(low, high)</c>: low + (high - low) * <see cref="RandomSample"/>, as numpy's
    /// <c>random_uniform</c>. Like numpy it accepts high &lt; low and refuses an infinite range.
    /// </summary>
    public double Uniform(double low, double high)
    {
        double range = high - low;
        if (!double.IsFinite(range)) throw new ArgumentOutOfRangeException(nameof(high), $"uniform({low}, {high}): high - low must be finite");
        return low + range * RandomSample();
    }

    /// <summary>
    /// <c>randint(low, high)</c>: a uniform integer in [low, high), numpy's legacy default (masked
    /// rejection sampling): low + <see cref="Masked"/>(high - low - 1). A range of one value draws nothing.
    /// </summary>
    public int RandInt(int low, int high)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), $"randint({low}, {high}): high must be greater than low");
        return (int)(low + Masked((uint)((long)high - low - 1)));
    }

    /// <summary>
    /// <c>choice(items)</c> with numpy's defaults (replace, p=None): the item at
    /// <see cref="RandInt"/>(0, n), as legacy <c>RandomState.choice</c> draws its index.
    /// </summary>
    public T Choice<T>(IReadOnlyList<T> items)
    {
        if (items.Count == 0) throw new ArgumentException("choice needs at least one item", nameof(items));
        return items[RandInt(0, items.Count)];
    }

    /// <summary>
    /// A uniform integer in [0, max] by numpy's masked rejection sampling (<c>random_interval</c>,
    /// <c>buffered_bounded_masked_uint32</c>): mask = the smallest all-ones number >= max; draw 32
    /// bits, AND with mask, reject values above max. max = 0 draws nothing.
    /// </summary>
    uint Masked(uint max)
    {
        if (max == 0) return 0;
        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
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
