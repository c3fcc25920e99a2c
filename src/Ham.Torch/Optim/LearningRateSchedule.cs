namespace Ham.Torch.Optim;

/// <summary>Learning rate as a function of the step (0-based: the rate used by step t+1's update).</summary>
public abstract class LearningRateSchedule
{
    public abstract double At(long step);

    public void Apply(Optimizer optimizer, long step) => optimizer.LearningRate = At(step);
}

/// <summary>
/// Cosine annealing without restarts (torch CosineAnnealingLR, closed form):
/// lr_t = min + (base - min) (1 + cos(pi t / T)) / 2. CLIPood uses it with T = total steps.
/// </summary>
public sealed class CosineSchedule(double baseRate, long totalSteps, double minRate = 0) : LearningRateSchedule
{
    public override double At(long step) =>
        minRate + (baseRate - minRate) * (1 + Math.Cos(Math.PI * Math.Min(step, totalSteps) / totalSteps)) / 2;
}

/// <summary>Linear warm-up from 0 over <paramref name="warmupSteps"/>, then cosine to <paramref name="minRate"/>.</summary>
public sealed class WarmupCosineSchedule(double baseRate, long warmupSteps, long totalSteps, double minRate = 0) : LearningRateSchedule
{
    public override double At(long step)
    {
        if (step < warmupSteps) return baseRate * (step + 1) / warmupSteps;
        long t = step - warmupSteps, span = Math.Max(1, totalSteps - warmupSteps);
        return minRate + (baseRate - minRate) * (1 + Math.Cos(Math.PI * Math.Min(t, span) / span)) / 2;
    }
}
