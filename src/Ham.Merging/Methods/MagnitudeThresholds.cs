using System.Numerics;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// Per-model magnitude thresholds of TIES and RHM: the exact rank-k |v_i| over a set of tensors
/// (the whole model for trim scope "model", one tensor for "tensor"), all models selected in the
/// same two sweeps of <see cref="MagnitudeSelection"/>, each sweep reading every input once.
/// Magnitudes are |v| in float32 (torch's v.abs().float()) both when selecting and when masking.
/// With <c>leaveOutUnchanged</c> (model scope), a tensor a model did not change at all (v_i = 0
/// everywhere: a frozen part, such as the text tower of a CLIP whose vision encoder was
/// fine-tuned) is left out of that model's population, so an encoder merges the same whether it
/// is saved alone or inside the full CLIP.
/// </summary>
public static class MagnitudeThresholds
{
    public static float Magnitude<T>(T delta) where T : IBinaryFloatingPointIeee754<T> => float.CreateTruncating(T.Abs(delta));

    /// <summary>
    /// One threshold per model over <paramref name="names"/> (null: keep everything, rank 0);
    /// <paramref name="deltaOf"/>, if given, makes the task vectors instead of theta_i - theta0.
    /// </summary>
    public static float?[] Select(MergeInputs inputs, IReadOnlyList<string> names, Func<long, long> rankOf, bool leaveOutUnchanged,
        Func<int, string, Tensor>? deltaOf = null)
    {
        var selection = new MagnitudeSelection(inputs.Models.Count);
        var swept = leaveOutUnchanged ? names.Where(n => !inputs.Unchanged(n)).ToList() : names;
        using (var high = new HighHalfCounts(inputs.Models.Count))
        {
            foreach (string name in swept)
            {
                Array.Clear(high.Changed);
                TaskVectorPass.Run(inputs, name, high, deltaOf);
                for (int i = 0; i < inputs.Models.Count; i++)
                    if (leaveOutUnchanged && !high.Changed[i])
                        selection.LeaveOutZeros(i, inputs.Reference.Describe(name).Shape.Aggregate(1L, (a, b) => a * b));
            }
            high.AddTo(selection);
        }
        int[] buckets = selection.Locate(rankOf);
        if (buckets.All(b => b < 0)) return new float?[buckets.Length];
        using (var low = new LowHalfCounts(buckets))
        {
            foreach (string name in swept) TaskVectorPass.Run(inputs, name, low, deltaOf);
            low.AddTo(selection);
        }
        return selection.Thresholds();
    }
}

/// <summary>
/// Which entries a threshold keeps: all for a null threshold, else |v| &gt;= threshold (TIES keeps
/// ties, as the reference code's <c>topk_values_mask</c>) or |v| &gt; threshold (RHM drops them).
/// </summary>
internal readonly struct MagnitudeCut(float? threshold, bool keepEqual)
{
    readonly float _threshold = threshold ?? 0;
    readonly bool _all = threshold is null;

    public bool Keeps<T>(T delta) where T : IBinaryFloatingPointIeee754<T>
    {
        float magnitude = MagnitudeThresholds.Magnitude(delta);
        return _all || (keepEqual ? magnitude >= _threshold : magnitude > _threshold);
    }

    /// <summary><see cref="Keeps{T}"/> for float32 lanes: all bits set where kept.</summary>
    public Vector<int> Keeps(Vector<float> delta)
    {
        if (_all) return Vector<int>.AllBitsSet;
        var magnitude = Vector.Abs(delta);
        var threshold = new Vector<float>(_threshold);
        return keepEqual ? Vector.GreaterThanOrEqual(magnitude, threshold) : Vector.GreaterThan(magnitude, threshold);
    }

    public static MagnitudeCut[] Of(float?[] thresholds, bool keepEqual) => thresholds.Select(t => new MagnitudeCut(t, keepEqual)).ToArray();
}
