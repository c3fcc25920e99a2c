using Ham.Merging;
using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// A source model's running Beta-weighted average of its own weights over the training steps
/// (HAM section 3.4, as CLIPood's GeneralMovingAverage). It starts as theta_0 with weight w_0 and
/// after step t absorbs theta_t with weight w_t (<see cref="BetaWeights"/>):
///   avg_t = (S_{t-1} avg_{t-1} + w_t theta_t) / S_t,  S_t = S_{t-1} + w_t,
/// computed incrementally as avg = (avg + r theta) / (1 + r), r = w_t / S_{t-1}, so no history is
/// stored. The average is kept in fp32 whatever the model's dtype.
/// </summary>
public sealed class HistoricalAverage : IDisposable
{
    readonly Tensor[] average;
    readonly int totalSteps;
    readonly double beta;

    public HistoricalAverage(IReadOnlyList<Tensor> initial, int totalSteps, double beta)
    {
        this.totalSteps = totalSteps;
        this.beta = beta;
        WeightSum = BetaWeights.At(0, totalSteps, beta);
        using (LibTorch.NoGrad())
            average = initial.Select(p => p.Detach().To(DType.Float32).Clone().DetachFromScope()).ToArray();
    }

    /// <summary>S_t: the sum of the weights absorbed so far.</summary>
    public double WeightSum { get; private set; }

    /// <summary>The last step absorbed (0 = only theta_0).</summary>
    public int Step { get; private set; }

    public IReadOnlyList<Tensor> Average => average;

    /// <summary>Absorbs theta_t after optimizer step <paramref name="step"/> (1-based, in order).</summary>
    public void Update(int step, IReadOnlyList<Tensor> parameters)
    {
        if (step != Step + 1) throw new InvalidOperationException($"historical average expected step {Step + 1}, got {step}");
        if (parameters.Count != average.Length)
            throw new ArgumentException($"historical average holds {average.Length} tensors, got {parameters.Count}");
        double w = BetaWeights.At(step, totalSteps, beta);
        double r = w / WeightSum;
        using (LibTorch.NoGrad())
        using (new DisposeScope())
        {
            for (int i = 0; i < average.Length; i++)
            {
                var p = parameters[i].DType == DType.Float32 ? parameters[i] : parameters[i].To(DType.Float32);
                average[i].Add_(p, r).Mul_(1 / (1 + r));
            }
        }
        WeightSum += w;
        Step = step;
    }

    /// <summary>Restores a saved state (checkpoint resume): the average tensors, S_t and t.</summary>
    public void Restore(IReadOnlyList<Tensor> savedAverage, double weightSum, int step)
    {
        if (savedAverage.Count != average.Length)
            throw new ArgumentException($"saved historical average has {savedAverage.Count} tensors, expected {average.Length}");
        using (LibTorch.NoGrad())
            for (int i = 0; i < average.Length; i++) average[i].Copy_(savedAverage[i]);
        WeightSum = weightSum;
        Step = step;
    }

    public void Dispose()
    {
        foreach (var t in average) t.Dispose();
    }
}
