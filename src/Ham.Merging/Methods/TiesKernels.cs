using System.Numerics;
using System.Runtime.InteropServices;
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
    public static T Sum<T>(ReadOnlySpan<T> deltas, int length, MagnitudeCut[] cuts, int j) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        for (int i = 0; i < cuts.Length; i++)
        {
            T delta = deltas[i * length + j];
            if (cuts[i].Keeps(delta)) sum += delta;
        }
        return sum;
    }

    /// <summary><see cref="Sum{T}"/> for the float32 lanes at entries j .. j + lanes - 1 (a dropped entry adds +0).</summary>
    public static Vector<float> Sum(ReadOnlySpan<float> deltas, int length, MagnitudeCut[] cuts, int j)
    {
        var sum = Vector<float>.Zero;
        for (int i = 0; i < cuts.Length; i++)
        {
            var delta = new Vector<float>(deltas[(i * length + j)..]);
            sum += Vector.ConditionalSelect(cuts[i].Keeps(delta), delta, Vector<float>.Zero);
        }
        return sum;
    }

    public void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        long signs = 0;
        int j = 0;
        if (typeof(T) == typeof(float))
        {
            var deltas = MemoryMarshal.Cast<T, float>(chunk.Deltas);
            var lanes = Vector<int>.Zero;
            for (; j <= chunk.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                var sum = Sum(deltas, chunk.Length, cuts, j);
                // Comparison lanes are -1 where true: +1 for a positive sum, -1 for a negative one.
                lanes += Vector.LessThan(sum, Vector<float>.Zero) - Vector.GreaterThan(sum, Vector<float>.Zero);
            }
            signs = Vector.Sum(lanes);
        }
        for (; j < chunk.Length; j++)
        {
            T sum = Sum(chunk.Deltas, chunk.Length, cuts, j);
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
        int j = typeof(T) == typeof(float)
            ? Lanes(MemoryMarshal.Cast<T, float>(chunk.Theta0), MemoryMarshal.Cast<T, float>(chunk.Deltas), MemoryMarshal.Cast<T, float>(merged))
            : 0;
        for (; j < merged.Length; j++)
        {
            T elected = ElectedSigns.Sum(chunk.Deltas, merged.Length, cuts, j);
            bool positive = elected > T.Zero || (!(elected < T.Zero) && majority > 0);
            T sum = T.Zero;
            int count = 0;
            for (int i = 0; i < cuts.Length; i++)
            {
                T delta = chunk.Deltas[i * merged.Length + j];
                if (cuts[i].Keeps(delta) && (positive ? delta > T.Zero : delta < T.Zero))
                {
                    sum += delta;
                    count++;
                }
            }
            merged[j] = chunk.Theta0[j] + sum / T.CreateTruncating(Math.Max(count, 1)) * scale;
        }
    }

    /// <summary>The same over whole float32 vectors; returns how many entries it did.</summary>
    int Lanes(ReadOnlySpan<float> theta0, ReadOnlySpan<float> deltas, Span<float> merged)
    {
        int length = merged.Length, j = 0;
        var scale = new Vector<float>((float)lambda);
        var majorityPositive = majority > 0 ? Vector<int>.AllBitsSet : Vector<int>.Zero;
        for (; j <= length - Vector<float>.Count; j += Vector<float>.Count)
        {
            var elected = ElectedSigns.Sum(deltas, length, cuts, j);
            var positive = Vector.GreaterThan(elected, Vector<float>.Zero)
                | Vector.AndNot(majorityPositive, Vector.LessThan(elected, Vector<float>.Zero));
            var sum = Vector<float>.Zero;
            var count = Vector<int>.Zero;
            for (int i = 0; i < cuts.Length; i++)
            {
                var delta = new Vector<float>(deltas[(i * length + j)..]);
                var agrees = cuts[i].Keeps(delta) & Vector.ConditionalSelect(positive,
                    Vector.GreaterThan(delta, Vector<float>.Zero), Vector.LessThan(delta, Vector<float>.Zero));
                sum += Vector.ConditionalSelect(agrees, delta, Vector<float>.Zero);
                count -= agrees;
            }
            (new Vector<float>(theta0[j..]) + sum / Vector.ConvertToSingle(Vector.Max(count, Vector<int>.One)) * scale).CopyTo(merged[j..]);
        }
        return j;
    }
}
