using System.Numerics;
using System.Runtime.InteropServices;

namespace Ham.Merging.Methods;

/// <summary>
/// RHM's merged tensor, entry by entry: theta0 + sum_i kept v_i / max(1, number kept). The sum
/// starts at +0 and adds the kept v_i in model order, and the count divides in the compute
/// dtype, so the result has the bits of libtorch's keptSum / keptCount.clamp(min=1) over masked
/// tensors (a dropped entry there adds v * 0 = +-0, which leaves a sum that started at +0 as it
/// is; the float32 lanes below add +0 for it instead, which does the same).
/// </summary>
internal sealed class KeptMean(MagnitudeCut[] cuts, nint output) : ITaskVectorKernel
{
    public unsafe void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var merged = new Span<T>((T*)output + chunk.Start, chunk.Length);
        int j = typeof(T) == typeof(float)
            ? Lanes(MemoryMarshal.Cast<T, float>(chunk.Theta0), MemoryMarshal.Cast<T, float>(chunk.Deltas), MemoryMarshal.Cast<T, float>(merged))
            : 0;
        for (; j < merged.Length; j++)
        {
            T sum = T.Zero;
            int count = 0;
            for (int i = 0; i < cuts.Length; i++)
            {
                T delta = chunk.Deltas[i * merged.Length + j];
                if (cuts[i].Keeps(delta))
                {
                    sum += delta;
                    count++;
                }
            }
            merged[j] = chunk.Theta0[j] + sum / T.CreateTruncating(Math.Max(count, 1));
        }
    }

    /// <summary>The same over whole float32 vectors; returns how many entries it did.</summary>
    int Lanes(ReadOnlySpan<float> theta0, ReadOnlySpan<float> deltas, Span<float> merged)
    {
        int length = merged.Length, j = 0;
        for (; j <= length - Vector<float>.Count; j += Vector<float>.Count)
        {
            var sum = Vector<float>.Zero;
            var count = Vector<int>.Zero;
            for (int i = 0; i < cuts.Length; i++)
            {
                var delta = new Vector<float>(deltas[(i * length + j)..]);
                var kept = cuts[i].Keeps(delta);
                sum += Vector.ConditionalSelect(kept, delta, Vector<float>.Zero);
                count -= kept;
            }
            (new Vector<float>(theta0[j..]) + sum / Vector.ConvertToSingle(Vector.Max(count, Vector<int>.One))).CopyTo(merged[j..]);
        }
        return j;
    }
}
