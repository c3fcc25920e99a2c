using System.Numerics;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// TIES's sign election (reference code: <c>resolve_sign</c>): the elected sign of an entry is
/// the sign of sum_i trimmed v_i; the "majority" sign, for entries whose sum is 0, is the sign of
/// the sum of all elected signs over the model (or tensor).
/// </summary>
internal sealed class ElectedSigns(MagnitudeCut[] cuts) : ITaskVectorKernel
{
    long _sum;

    /// <summary>
    /// sum_i trimmed v_i at entry <paramref name="j"/>: the kept v_i added in model order from +0.
    /// Equal to libtorch's sum of masked tensors except for the sign of a zero sum (a dropped
    /// entry there adds v * 0 = +-0), and a zero sum of either sign elects the same.
    /// </summary>
    public static T Sum<T>(in TaskVectorChunk<T> chunk, MagnitudeCut[] cuts, int j) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        for (int i = 0; i < cuts.Length; i++)
        {
            T delta = chunk.Delta(i)[j];
            if (cuts[i].Keeps(delta)) sum += delta;
        }
        return sum;
    }

    public void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        long signs = 0;
        for (int j = 0; j < chunk.Length; j++)
        {
            T sum = Sum(chunk, cuts, j);
            signs += sum > T.Zero ? 1 : sum < T.Zero ? -1 : 0;
        }
        Interlocked.Add(ref _sum, signs);
    }

    /// <summary>The majority sign (-1, 0 or 1) over <paramref name="names"/>, in one pass.</summary>
    public static double Majority(MergeInputs inputs, IEnumerable<string> names, MagnitudeCut[] cuts, Func<int, string, Tensor>? deltaOf)
    {
        var signs = new ElectedSigns(cuts);
        foreach (string name in names) TaskVectorPass.Run(inputs, name, signs, deltaOf);
        return Math.Sign(signs._sum);
    }
}

/// <summary>
/// TIES's disjoint mean (reference code: <c>disjoint_merge</c>), entry by entry:
/// theta0 + lambda * sum of the trimmed v_i that agree with the elected sign / max(1, their
/// count). An entry whose sum is 0 takes the majority sign; where that is 0 too, the reference's
/// where(sign &gt; 0, v &gt; 0, v &lt; 0) counts the negative entries, and so does this.
/// Sums start at +0 in model order, as in <see cref="KeptMean"/>, so the bits are libtorch's.
/// </summary>
internal sealed class DisjointMean(MagnitudeCut[] cuts, double majority, double lambda, nint output) : ITaskVectorKernel
{
    public unsafe void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // libtorch multiplies a float tensor by a double scalar in float: lambda is rounded first.
        T scale = T.CreateTruncating(lambda);
        var merged = new Span<T>((T*)output + chunk.Start, chunk.Length);
        for (int j = 0; j < merged.Length; j++)
        {
            T elected = ElectedSigns.Sum(chunk, cuts, j);
            bool positive = elected > T.Zero || (!(elected < T.Zero) && majority > 0);
            T sum = T.Zero;
            int count = 0;
            for (int i = 0; i < cuts.Length; i++)
            {
                T delta = chunk.Delta(i)[j];
                if (cuts[i].Keeps(delta) && (positive ? delta > T.Zero : delta < T.Zero))
                {
                    sum += delta;
                    count++;
                }
            }
            merged[j] = chunk.Theta0[j] + sum / T.CreateTruncating(Math.Max(count, 1)) * scale;
        }
    }
}
