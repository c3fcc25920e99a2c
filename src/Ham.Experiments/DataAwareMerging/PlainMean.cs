using Ham.Torch;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>The uniform mean of the models' tensors, which RegMean and Fisher merging use for tensors without statistics.</summary>
static class PlainMean
{
    public static Tensor Of(IReadOnlyList<Tensor> tensors)
    {
        var sum = tensors[0].Clone();
        for (int i = 1; i < tensors.Count; i++) sum.Add_(tensors[i]);
        return sum.Mul_(1.0 / tensors.Count);
    }
}
