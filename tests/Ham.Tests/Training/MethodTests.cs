using Ham.Merging;
using Ham.Torch;
using Ham.Training.Method;

namespace Ham.Tests.Training;

public class BetaWeightsTests
{
    [Fact]
    public void DensityMatchesClosedForms()
    {
        // Beta(1/2, 1/2) is the arcsine density 1 / (pi sqrt(x (1 - x))); Beta(2, 2) is 6 x (1 - x).
        foreach (double x in new[] { 0.01, 0.25, 0.5, 0.9 })
        {
            Assert.Equal(1 / (Math.PI * Math.Sqrt(x * (1 - x))), BetaWeights.SymmetricBetaPdf(x, 0.5), 12);
            Assert.Equal(6 * x * (1 - x), BetaWeights.SymmetricBetaPdf(x, 2), 12);
            Assert.Equal(1.0, BetaWeights.SymmetricBetaPdf(x, 1), 12);
        }
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI)), BetaWeights.LogGamma(0.5), 13);
        Assert.Equal(Math.Log(24), BetaWeights.LogGamma(5), 12);
    }

    [Fact]
    public void StepWeightsAreUShapedAndSymmetric()
    {
        // w_t = pdf((t + 0.5) / (T + 1)): t and T - t sit symmetrically around 1/2.
        const int T = 10;
        Assert.Equal(BetaWeights.At(0, T, 0.5), BetaWeights.At(T, T, 0.5), 12);
        Assert.True(BetaWeights.At(0, T, 0.5) > BetaWeights.At(T / 2, T, 0.5));
        Assert.Equal(1 / (Math.PI * Math.Sqrt(0.5 / 11 * (1 - 0.5 / 11))), BetaWeights.At(0, T, 0.5), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaWeights.At(T + 1, T, 0.5));
    }
}

public class HistoricalAverageTests
{
    [Fact]
    public void EqualsTheExplicitWeightedSumOverSnapshots()
    {
        const int T = 7;
        using var scope = new DisposeScope();
        using var gen = new Generator(3);
        var snapshots = Enumerable.Range(0, T + 1)
            .Select(_ => new[] { Ham.Torch.Random.Normal([3, 2], gen, DType.Float64), Ham.Torch.Random.Normal([4], gen, DType.Float64) })
            .ToArray();
        using var average = new HistoricalAverage(snapshots[0], T, 0.5);
        for (int t = 1; t <= T; t++) average.Update(t, snapshots[t]);

        double[] w = Enumerable.Range(0, T + 1).Select(t => BetaWeights.At(t, T, 0.5)).ToArray();
        Assert.Equal(w.Sum(), average.WeightSum, 12);
        for (int l = 0; l < 2; l++)
        {
            var expected = new double[snapshots[0][l].NumEl];
            for (int t = 0; t <= T; t++)
            {
                var values = snapshots[t][l].ToArray<double>();
                for (int k = 0; k < expected.Length; k++) expected[k] += w[t] * values[k] / w.Sum();
            }
            var actual = average.Average[l].To(DType.Float64).ToArray<double>();
            for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], 5);
            Assert.Equal(DType.Float32, average.Average[l].DType);
        }
    }

    [Fact]
    public void RejectsOutOfOrderSteps()
    {
        using var p = Tensor.Zeros([2]);
        using var average = new HistoricalAverage([p], 5, 0.5);
        Assert.Throws<InvalidOperationException>(() => average.Update(2, [p]));
    }
}

public class SourceEnrichmentTests
{
    [Fact]
    public void SelectsOtherSourcesSamplesAboveOwnMeanConfidence()
    {
        using var scope = new DisposeScope();
        // Model 0: tau_0 = mean(0.9, 0.5) = 0.7 -> from B_1 it takes samples 0 and 2 (0.8, 0.95; 0.7 is not above).
        // Model 1: tau_1 = mean(0.6, 0.6, 0.9) = 0.7 -> from B_0 it takes sample 1 (0.71).
        var c = new[]
        {
            new[] { Tensor.FromArray(new float[] { 0.9f, 0.5f }), Tensor.FromArray(new float[] { 0.8f, 0.7f, 0.95f }) },
            new[] { Tensor.FromArray(new float[] { 0.3f, 0.71f }), Tensor.FromArray(new float[] { 0.6f, 0.6f, 0.9f }) },
        };
        var selected = SourceEnrichment.Select(c);
        Assert.Equal(new long[] { 0, 2 }, selected[0][1]);
        Assert.Empty(selected[0][0]);
        Assert.Equal(new long[] { 1 }, selected[1][0]);
        Assert.Empty(selected[1][1]);
    }

    [Fact]
    public void MaxProbabilityIsTheLargestSoftmaxEntryWithoutGradient()
    {
        using var scope = new DisposeScope();
        var logits = Tensor.FromArray(new double[] { 0, Math.Log(3), 1, 1 }, 2, 2).RequiresGrad_();
        var p = SourceEnrichment.MaxProbability(logits);
        Assert.Equal(new[] { 0.75, 0.5 }, p.ToArray<double>());
        Assert.False(p.RequiresGrad);
    }
}
