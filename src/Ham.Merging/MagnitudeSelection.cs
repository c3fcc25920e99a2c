using System.Runtime.InteropServices;
using Ham.Torch;

namespace Ham.Merging;

/// <summary>
/// The exact k-th smallest magnitude over many tensors without concatenating them: a two-pass
/// radix selection on float32 bit patterns. For non-negative floats the bit pattern (as an
/// unsigned integer) orders like the value, so pass 1 histograms the high 16 bits, finds the
/// bucket that holds rank k, and pass 2 histograms the low 16 bits inside that bucket. Equals
/// torch.kthvalue on the concatenation (ties included; -0.0 has magnitude +0.0).
/// </summary>
public static class MagnitudeSelection
{
    const int Buckets = 1 << 16;

    /// <summary>
    /// The value of rank <paramref name="rankOf"/>(n) (1-based, like kthvalue) among all entries
    /// of the tensors <paramref name="magnitudes"/> yields, n being their total count; null when
    /// the rank is 0. <paramref name="magnitudes"/> is enumerated twice and must yield the same
    /// non-negative float32 values both times; the caller's tensors are disposed after use.
    /// </summary>
    public static float? KthSmallest(Func<IEnumerable<Tensor>> magnitudes, Func<long, long> rankOf)
    {
        var high = new long[Buckets];
        long count = 0;
        foreach (var t in magnitudes())
            using (t)
            {
                var bits = BitsOf(t);
                foreach (uint b in bits) high[b >> 16]++;
                count += bits.Length;
            }
        long rank = rankOf(count);
        if (rank == 0) return null;
        if (rank < 0 || rank > count) throw new ArgumentOutOfRangeException(nameof(rankOf), rank, $"rank must be in 1..{count}");

        var (bucket, rankInBucket) = Locate(high, rank);
        var low = new long[Buckets];
        foreach (var t in magnitudes())
            using (t)
            {
                foreach (uint b in BitsOf(t))
                    if (b >> 16 == bucket) low[b & 0xFFFF]++;
            }
        var (lowBits, _) = Locate(low, rankInBucket);
        return BitConverter.UInt32BitsToSingle(((uint)bucket << 16) | (uint)lowBits);
    }

    /// <summary>The bucket holding the <paramref name="rank"/>-th entry, and the rank within it.</summary>
    static (int Bucket, long Rank) Locate(long[] histogram, long rank)
    {
        for (int i = 0; i < histogram.Length; i++)
        {
            if (rank <= histogram[i]) return (i, rank);
            rank -= histogram[i];
        }
        throw new InvalidOperationException("the tensors changed between the two passes of the selection");
    }

    static ReadOnlySpan<uint> BitsOf(Tensor t)
    {
        if (t.DType != DType.Float32 || !t.IsContiguous || t.Device != Device.CPU)
            throw new ArgumentException($"magnitudes must be contiguous float32 CPU tensors, got {t}");
        var bits = MemoryMarshal.Cast<byte, uint>(t.Bytes);
        foreach (uint b in bits)
            if (b > 0x7F800000u) throw new ArgumentException("magnitudes must be non-negative numbers (found a NaN or a negative value)");
        return bits;
    }
}
