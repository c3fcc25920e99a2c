using System.Numerics;

namespace Ham.Merging.Methods;

/// <summary>
/// RHM's merged tensor, entry by entry: theta0 + sum_i kept v_i / max(1, number kept). The sum
/// starts at +0 and adds the kept v_i in model order, and the count divides in the compute
/// dtype, so the result has the bits of libtorch's keptSum / keptCount.clamp(min=1) over masked
/// tensors (a dropped entry there adds v * 0 = +-0, which leaves a sum that started at +0 as it is).
/// </summary>
internal sealed class KeptMean(MagnitudeCut[] cuts, nint output) : ITaskVectorKernel
{
    public unsafe void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var merged = new Span<T>((T*)output + chunk.Start, chunk.Length);
        for (int j = 0; j < merged.Length; j++)
        {
            T sum = T.Zero;
            int count = 0;
            for (int i = 0; i < cuts.Length; i++)
            {
                T delta = chunk.Delta(i)[j];
                if (cuts[i].Keeps(delta))
                {
                    sum += delta;
                    count++;
                }
            }
            merged[j] = chunk.Theta0[j] + sum / T.CreateTruncating(Math.Max(count, 1));
        }
    }
}
