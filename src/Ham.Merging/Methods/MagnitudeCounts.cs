using System.Numerics;

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
            var histogram = counts[i];
            uint any = 0;
            foreach (T delta in chunk.Delta(i))
            {
                uint bits = BitConverter.SingleToUInt32Bits(MagnitudeThresholds.Magnitude(delta));
                any |= bits;
                histogram[bits >> 16]++;
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
            var histogram = counts[i];
            foreach (T delta in chunk.Delta(i))
            {
                uint bits = BitConverter.SingleToUInt32Bits(MagnitudeThresholds.Magnitude(delta));
                if (bits >> 16 == bucket) histogram[bits & 0xFFFF]++;
            }
        }
    }

    public void AddTo(MagnitudeSelection selection)
    {
        foreach (var counts in _counts.Values) selection.AddLow(counts);
    }

    public void Dispose() => _counts.Dispose();
}
