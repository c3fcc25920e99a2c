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
                count += Histogram(t, high, bucket: null);
        // Bit patterns at or above +inf's are infinities, NaNs or negative numbers.
        for (int b = 0x7F80; b < Buckets; b++)
            if (high[b] > 0) throw new ArgumentException("magnitudes must be finite and non-negative (found an infinity, a NaN or a negative value)");
        long rank = rankOf(count);
        if (rank == 0) return null;
        if (rank < 0 || rank > count) throw new ArgumentOutOfRangeException(nameof(rankOf), rank, $"rank must be in 1..{count}");

        var (bucket, rankInBucket) = Locate(high, rank);
        var low = new long[Buckets];
        foreach (var t in magnitudes())
            using (t)
                Histogram(t, low, bucket);
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

    /// <summary>
    /// Adds the tensor's entries to <paramref name="histogram"/>: by their high 16 bits, or, for
    /// entries whose high bits are <paramref name="bucket"/>, by their low 16 bits. Chunks are
    /// counted in parallel into private histograms. Returns the number of entries.
    /// </summary>
    static unsafe long Histogram(Tensor t, long[] histogram, int? bucket)
    {
        if (t.DType != DType.Float32 || !t.IsContiguous || t.Device != Device.CPU)
            throw new ArgumentException($"magnitudes must be contiguous float32 CPU tensors, got {t}");
        var span = MemoryMarshal.Cast<byte, uint>(t.Bytes);
        int length = span.Length;
        const int chunk = 1 << 20;
        fixed (uint* bits = span)
        {
            uint* pointer = bits;
            Parallel.For(0, (length + chunk - 1) / chunk, () => new long[Buckets], (c, _, local) =>
            {
                int end = Math.Min(length, (c + 1) * chunk);
                if (bucket is not { } high)
                    for (int i = c * chunk; i < end; i++) local[pointer[i] >> 16]++;
                else
                    for (int i = c * chunk; i < end; i++)
                        if (pointer[i] >> 16 == high) local[pointer[i] & 0xFFFF]++;
                return local;
            }, local =>
            {
                lock (histogram)
                    for (int i = 0; i < Buckets; i++) histogram[i] += local[i];
            });
        }
        return length;
    }
}
