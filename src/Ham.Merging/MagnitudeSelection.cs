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
    public static float? KthSmallest(Func<IEnumerable<Tensor>> magnitudes, Func<long, long> rankOf) =>
        KthSmallestOfEach(() => magnitudes().Select(t => new Tensor?[] { t }), 1, rankOf)[0];

    /// <summary>
    /// <see cref="KthSmallest"/> for <paramref name="selections"/> populations at once, in the
    /// same two sweeps: each yielded array holds one tensor per population (null: nothing from
    /// this step for that population). Lets a merge read each tensor once per pass for all models.
    /// </summary>
    public static float?[] KthSmallestOfEach(Func<IEnumerable<Tensor?[]>> magnitudes, int selections, Func<long, long> rankOf)
    {
        var high = Enumerable.Range(0, selections).Select(_ => new long[Buckets]).ToArray();
        var count = new long[selections];
        foreach (var group in magnitudes())
            for (int i = 0; i < selections; i++)
                if (group[i] is { } t)
                    using (t)
                        count[i] += Histogram(t, high[i], bucket: null);

        var result = new float?[selections];
        var target = new (int Bucket, long Rank)?[selections];
        for (int i = 0; i < selections; i++)
        {
            // Bit patterns at or above +inf's are infinities, NaNs or negative numbers.
            for (int b = 0x7F80; b < Buckets; b++)
                if (high[i][b] > 0) throw new ArgumentException("magnitudes must be finite and non-negative (found an infinity, a NaN or a negative value)");
            long rank = rankOf(count[i]);
            if (rank < 0 || rank > count[i]) throw new ArgumentOutOfRangeException(nameof(rankOf), rank, $"rank must be in 0..{count[i]}");
            if (rank > 0) target[i] = Locate(high[i], rank);
        }
        if (target.All(t => t is null)) return result;

        var low = Enumerable.Range(0, selections).Select(_ => new long[Buckets]).ToArray();
        foreach (var group in magnitudes())
            for (int i = 0; i < selections; i++)
                if (group[i] is { } t)
                    using (t)
                        if (target[i] is { } bucket) Histogram(t, low[i], bucket.Bucket);
        for (int i = 0; i < selections; i++)
            if (target[i] is { } bucket)
                result[i] = BitConverter.UInt32BitsToSingle(((uint)bucket.Bucket << 16) | (uint)Locate(low[i], bucket.Rank).Bucket);
        return result;
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
