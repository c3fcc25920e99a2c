using Ham.Torch;
using Ham.Torch.Modules;
using Ham.Torch.Optim;

namespace Ham.Tests.Torch;

/// <summary>Resident memory is per process: this test runs alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MemoryStabilityTests), DisableParallelization = true)]
public sealed class RunsAlone;

[Collection(nameof(MemoryStabilityTests))]
public class MemoryStabilityTests
{
    /// <summary>
    /// 10,000 training steps of a small MLP (forward, cross-entropy, backward, clipping, AdamW)
    /// with one DisposeScope per step: after the first 1,000, resident memory stays within 8 MB over
    /// at least one of two runs of 4,500 steps (leaking one 32x64 float tensor per step adds about
    /// 12 MB to each: checked by hand).
    /// </summary>
    [Fact]
    public void TenThousandTrainingStepsKeepResidentMemoryFlat()
    {
        using var generator = new Generator(3);
        using var first = new Linear(32, 64, generator);
        using var norm = new LayerNorm(64);
        using var second = new Linear(64, 10, generator);
        var parameters = first.Parameters().Concat(norm.Parameters()).Concat(second.Parameters()).ToList();
        using var optimizer = new AdamW(parameters, learningRate: 1e-3);
        using var inputs = Ham.Torch.Random.Normal([16, 32], generator);
        using var labels = Ham.Torch.Random.Integers(0, 10, [16], generator);

        double firstLoss = 0, lastLoss = 0;
        void Step(int i)
        {
            using var scope = new DisposeScope();
            var hidden = norm.Forward(first.Forward(inputs)).Gelu();
            var loss = Functional.CrossEntropy(second.Forward(hidden), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            Optimizer.ClipGradNorm(parameters, 1.0);
            optimizer.Step();
            if (i == 0) firstLoss = loss.Item();
            lastLoss = loss.Item();
        }

        // A leak grows with every step, so it shows in both halves of the 9,000 measured steps; a
        // one-off jump (a thread or arena that another test left behind, growing once) shows in one.
        for (int i = 0; i < 1000; i++) Step(i);
        Settle();
        long warm = ResidentBytes();
        for (int i = 1000; i < 5500; i++) Step(i);
        Settle();
        long middle = ResidentBytes();
        for (int i = 5500; i < 10_000; i++) Step(i);
        Settle();
        long growth = Math.Min(middle - warm, ResidentBytes() - middle);
        Assert.True(growth < 8 << 20, $"resident memory grew by {growth / (1 << 20)} MB in each half of 9,000 steps");
        Assert.True(lastLoss < firstLoss / 10, $"the model did not train: loss {firstLoss} -> {lastLoss}");
    }

    static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Resident set size from /proc/self/statm (pages).</summary>
    static long ResidentBytes() =>
        long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]) * Environment.SystemPageSize;
}
