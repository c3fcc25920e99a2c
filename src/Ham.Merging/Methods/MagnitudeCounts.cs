using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ham.Merging.Methods;

/// <summary>
/// Sweep 1 of <see cref="MagnitudeSelection"/> over task vectors: per model, the number of
/// magnitudes by the high 16 bits of their float32 bit pattern, counted by each worker thread
/// into its own arrays; and, per tensor, which models changed it at all.
/// </summary>
internal sealed class HighHalfCounts(int models) : ITaskVectorKernel, IDisposable
{
    readonly ThreadLocal<long[][]> _counts = new(() => MagnitudeSelection.NewCounts(models), trackAllValues: true);

    /// <summary>Per model: whether a magnitude of the current tensor is nonzero (the caller clears it per tensor).</summary>
    public bool[] Changed { get; } = new bool[models];

    public void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var counts = _counts.Value!;
        for (int i = 0; i < chunk.Models; i++)
        {
            ref long histogram = ref MemoryMarshal.GetArrayDataReference(counts[i]);
            uint any = 0;
            foreach (T delta in chunk.Delta(i))
            {
                uint bits = BitConverter.SingleToUInt32Bits(MagnitudeThresholds.Magnitude(delta));
                any |= bits;
                Unsafe.Add(ref histogram, bits >> 16)++; // < 2^16 = the array's length
            }
            if (any != 0) Changed[i] = true;
        }
    }

    public void AddTo(MagnitudeSelection selection)
    {
        foreach (var counts in _counts.Values) selection.AddHigh(counts);
    }

    public void Dispose() => _counts.Dispose();
}

/// <summary>
/// Sweep 2 of <see cref="MagnitudeSelection"/>: per model, the magnitudes whose high 16 bits are
/// that model's located bucket (-1: none), by their low 16 bits.
/// </summary>
internal sealed class LowHalfCounts(int[] buckets) : ITaskVectorKernel, IDisposable
{
    readonly ThreadLocal<long[][]> _counts = new(() => MagnitudeSelection.NewCounts(buckets.Length), trackAllValues: true);

    public void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var counts = _counts.Value!;
        for (int i = 0; i < chunk.Models; i++)
        {
            if (buckets[i] < 0) continue;
            uint bucket = (uint)buckets[i];
            var deltas = chunk.Delta(i);
            int j = typeof(T) == typeof(float) ? CountLanes(MemoryMarshal.Cast<T, float>(deltas), bucket, counts[i]) : 0;
            for (; j < deltas.Length; j++)
            {
                uint bits = BitConverter.SingleToUInt32Bits(MagnitudeThresholds.Magnitude(deltas[j]));
                if (bits >> 16 == bucket) counts[i][bits & 0xFFFF]++;
            }
        }
    }

    /// <summary>
    /// The same over whole float32 vectors (|v| is the bit pattern with the sign bit cleared):
    /// most entries lie in other buckets, so a vector without one is passed over at once and only
    /// the few that hold one are counted lane by lane. Returns how many entries it did.
    /// </summary>
    static int CountLanes(ReadOnlySpan<float> deltas, uint bucket, long[] histogram)
    {
        var target = new Vector<uint>(bucket);
        int j = 0;
        for (; j <= deltas.Length - Vector<float>.Count; j += Vector<float>.Count)
        {
            var bits = Vector.AsVectorUInt32(Vector.Abs(new Vector<float>(deltas[j..])));
            if (!Vector.EqualsAny(Vector.ShiftRightLogical(bits, 16), target)) continue;
            for (int lane = 0; lane < Vector<uint>.Count; lane++)
                if (bits[lane] >> 16 == bucket) histogram[bits[lane] & 0xFFFF]++;
        }
        return j;
    }

    public void AddTo(MagnitudeSelection selection)
    {
        foreach (var counts in _counts.Values) selection.AddLow(counts);
    }

    public void Dispose() => _counts.Dispose();
}
