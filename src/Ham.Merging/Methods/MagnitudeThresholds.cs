using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// Per-model magnitude thresholds of TIES and RHM: the exact rank-k |v_i| over all merged
/// tensors of model i (trim scope "model", by <see cref="MagnitudeSelection"/>) or over one
/// tensor (scope "tensor"). Magnitudes are compared in float32 both when selecting and when masking.
/// A tensor the model did not change at all (v_i = 0 everywhere: a frozen part, such as the text
/// tower of a CLIP whose vision encoder was fine-tuned) is left out of that model's population, so
/// an encoder merges the same whether it is saved alone or inside the full CLIP.
/// </summary>
static class MagnitudeThresholds
{
    public static Tensor Magnitude(Tensor delta) => delta.Abs().To(DType.Float32).Contiguous();

    /// <summary>
    /// Model scope: one threshold per model (null: keep everything), all models selected in the
    /// same two sweeps over the tensors.
    /// </summary>
    public static float?[] OverModel(MergeInputs inputs, Func<int, string, Tensor> deltaOf, Func<long, long> rankOf) =>
        MagnitudeSelection.KthSmallestOfEach(() => Magnitudes(inputs, deltaOf), inputs.Models.Count, rankOf);

    /// <summary>Tensor scope: the threshold of one task vector.</summary>
    public static float? OverTensor(Tensor delta, Func<long, long> rankOf) =>
        MagnitudeSelection.KthSmallest(() => [Magnitude(delta)], rankOf);

    static IEnumerable<Tensor?[]> Magnitudes(MergeInputs inputs, Func<int, string, Tensor> deltaOf)
    {
        foreach (string name in inputs.FloatNames)
        {
            if (inputs.Unchanged(name)) continue;
            var group = new Tensor?[inputs.Models.Count];
            using (new DisposeScope())
                for (int i = 0; i < group.Length; i++)
                {
                    var magnitude = Magnitude(deltaOf(i, name)).DetachFromScope();
                    // A tensor this model left exactly as it was is not part of its update.
                    if (magnitude.Max().Item() == 0) magnitude.Dispose();
                    else group[i] = magnitude;
                }
            yield return group;
        }
    }

    /// <summary>1 where |v| &gt;= threshold (TIES keeps ties) or &gt; threshold (RHM drops them); all ones for null.</summary>
    public static Tensor Mask(Tensor delta, float? threshold, bool keepEqual)
    {
        using var scope = new DisposeScope();
        var magnitude = Magnitude(delta);
        var keep = threshold is not { } t ? magnitude.OnesLike() : keepEqual ? magnitude.Ge(t) : magnitude.Gt(t);
        return scope.MoveToOuter(keep.To(delta.DType));
    }
}
