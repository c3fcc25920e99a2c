namespace Ham.Merging;

/// <summary>
/// The exact k-th smallest magnitude of each of several populations of float32 magnitudes,
/// without gathering them: a two-sweep radix selection on bit patterns. For non-negative floats
/// the bit pattern (as an unsigned integer) orders like the value, so sweep 1 counts the high 16
/// bits, <see cref="Locate"/> finds the bucket that holds rank k, and sweep 2 counts the low 16
/// bits of the entries inside that bucket. Equals torch.kthvalue on the concatenation (ties
/// included; -0.0 has magnitude +0.0). The sweeps themselves are the caller's (they run over
/// task vectors in parallel, <see cref="Methods.MagnitudeThresholds"/>): it hands in counts.
/// </summary>
public sealed class MagnitudeSelection
{
    public const int Buckets = 1 << 16;

    /// <summary>High halves at or above +inf's (0x7F80) are infinities or NaNs.</summary>
    const int FirstNonFinite = 0x7F80;

    readonly long[][] _high;
    readonly long[][] _low;
    readonly long[] _size;
    readonly long[] _leftOutZeros;
    readonly (int Bucket, long Rank)?[] _targets;

    public MagnitudeSelection(int populations)
    {
        _high = NewCounts(populations);
        _low = NewCounts(populations);
        _size = new long[populations];
        _leftOutZeros = new long[populations];
        _targets = new (int, long)?[populations];
    }

    public int Populations => _size.Length;

    /// <summary>One 2^16-bucket count array per population, for a worker's share of a sweep.</summary>
    public static long[][] NewCounts(int populations) => Enumerable.Range(0, populations).Select(_ => new long[Buckets]).ToArray();

    /// <summary>Sweep 1: adds <paramref name="counts"/>[p][h], the number of population p's magnitudes whose high 16 bits are h.</summary>
    public void AddHigh(long[][] counts)
    {
        for (int p = 0; p < Populations; p++)
            for (int b = 0; b < Buckets; b++)
            {
                _high[p][b] += counts[p][b];
                _size[p] += counts[p][b];
            }
    }

    /// <summary>
    /// Takes back <paramref name="count"/> magnitudes +0.0 (bit pattern 0) counted for
    /// <paramref name="population"/> in sweep 1 and again in sweep 2: lets the sweeps count a
    /// whole tensor before they know it is to be left out (a tensor a model did not change).
    /// </summary>
    public void LeaveOutZeros(int population, long count)
    {
        _high[population][0] -= count;
        _size[population] -= count;
        _leftOutZeros[population] += count;
    }

    /// <summary>
    /// Ends sweep 1: for each population of n magnitudes, the high 16 bits of its
    /// <paramref name="rankOf"/>(n)-th smallest (1-based), or -1 where that rank is 0 (nothing to
    /// select; its threshold is null).
    /// </summary>
    public int[] Locate(Func<long, long> rankOf)
    {
        var buckets = new int[Populations];
        for (int p = 0; p < Populations; p++)
        {
            for (int b = FirstNonFinite; b < Buckets; b++)
                if (_high[p][b] > 0) throw new ArgumentException("magnitudes must be finite and non-negative (found an infinity, a NaN or a negative value)");
            long rank = rankOf(_size[p]);
            if (rank < 0 || rank > _size[p]) throw new ArgumentOutOfRangeException(nameof(rankOf), rank, $"rank must be in 0..{_size[p]}");
            _targets[p] = rank > 0 ? Find(_high[p], rank) : null;
            buckets[p] = _targets[p]?.Bucket ?? -1;
        }
        return buckets;
    }

    /// <summary>Sweep 2: adds <paramref name="counts"/>[p][l], population p's magnitudes in its located bucket whose low 16 bits are l.</summary>
    public void AddLow(long[][] counts)
    {
        for (int p = 0; p < Populations; p++)
            for (int b = 0; b < Buckets; b++)
                _low[p][b] += counts[p][b];
    }

    /// <summary>Ends sweep 2: each population's k-th smallest magnitude, null where k is 0.</summary>
    public float?[] Thresholds()
    {
        var result = new float?[Populations];
        for (int p = 0; p < Populations; p++)
        {
            if (_targets[p] is not { } target) continue;
            if (target.Bucket == 0) _low[p][0] -= _leftOutZeros[p];
            result[p] = BitConverter.UInt32BitsToSingle(((uint)target.Bucket << 16) | (uint)Find(_low[p], target.Rank).Bucket);
        }
        return result;
    }

    /// <summary>The bucket holding the <paramref name="rank"/>-th entry, and the rank within it.</summary>
    static (int Bucket, long Rank) Find(long[] histogram, long rank)
    {
        for (int i = 0; i < histogram.Length; i++)
        {
            if (rank <= histogram[i]) return (i, rank);
            rank -= histogram[i];
        }
        throw new InvalidOperationException("the magnitudes changed between the two sweeps of the selection");
    }
}
