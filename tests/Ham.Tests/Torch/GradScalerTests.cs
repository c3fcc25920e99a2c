using Ham.Torch;
using Ham.Torch.Modules;
using Ham.Torch.Optim;

namespace Ham.Tests.Torch;

/// <summary>
/// GradScaler against torch.cuda.amp.GradScaler's rule: the scale and growth-tracker sequences
/// for fixed patterns of inf/nan gradients come from Data/make_amp_reference.py (derived there
/// from the rule of PyTorch's CUDA kernel, since PyTorch 1.13 has no CPU GradScaler).
/// </summary>
public class GradScalerTests
{
    static Tensor R(string name) => AutocastTests.Reference.Value[name];

    /// <summary>A parameter p and loss sum(p * x): p's gradient is x * S, so an inf or nan in x is one in the gradient.</summary>
    sealed class Toy : IDisposable
    {
        public readonly Tensor P = Tensor.FromArray([0.5f, -0.25f, 1.0f], 3).DetachFromScope().RequiresGrad_();
        public readonly Sgd Optimizer;

        public Toy() => Optimizer = new Sgd([P], learningRate: 0.125);

        /// <summary>One training step; <paramref name="poison"/> 1 puts an inf in the gradient, 2 a nan.</summary>
        public bool Step(GradScaler scaler, int poison)
        {
            using var scope = new DisposeScope();
            float bad = poison == 2 ? float.NaN : float.PositiveInfinity;
            // |x| <= 1/2, so that x * S stays finite up to the largest scale tested, 2^127.
            var x = Tensor.FromArray([0.25f, poison == 0 ? 0.5f : bad, -0.125f], 3);
            Optimizer.ZeroGrad();
            scaler.Scale((P * x).Sum()).Backward();
            bool stepped = scaler.Step(Optimizer);
            scaler.Update();
            return stepped;
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            P.Dispose();
        }
    }

    static GradScaler FromConfig(string name)
    {
        var c = R($"scaler/{name}/config").ToArray<double>();
        return new GradScaler(c[0], c[1], c[2], (int)c[3]);
    }

    [Theory]
    [InlineData("interval3")]
    [InlineData("defaults")]
    [InlineData("overflow")]
    [InlineData("odd_factors")]
    public void ScaleSequenceFollowsTheRuleAndInfStepsAreSkipped(string name)
    {
        var infs = R($"scaler/{name}/inf").ToArray<int>();
        var scales = R($"scaler/{name}/scale").ToArray<float>();
        var trackers = R($"scaler/{name}/growth_tracker").ToArray<int>();
        var stepped = R($"scaler/{name}/stepped").ToArray<int>();
        using var toy = new Toy();
        using var scaler = FromConfig(name);
        int poisoned = 0;
        for (int t = 0; t < infs.Length; t++)
        {
            var before = toy.P.ToArray<float>();
            // Alternate inf and nan among the poisoned steps: both must count as non-finite.
            bool didStep = toy.Step(scaler, infs[t] == 0 ? 0 : 1 + poisoned++ % 2);
            Assert.True(stepped[t] == (didStep ? 1 : 0), $"step {t}: stepped {didStep}");
            Assert.True(scales[t] == (float)scaler.CurrentScale, $"step {t}: scale {scaler.CurrentScale}, expected {scales[t]}");
            Assert.True(trackers[t] == scaler.GrowthTracker, $"step {t}: growth tracker {scaler.GrowthTracker}, expected {trackers[t]}");
            var after = toy.P.ToArray<float>();
            if (didStep) Assert.NotEqual(before, after);
            else Assert.Equal(before, after);
        }
    }

    [Theory]
    [InlineData(65536.0)]
    [InlineData(1000.0)]
    public void UnscaledGradientsAreTheGradientsOverTheScale(double initScale)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(3);
        using var linear = new Linear(6, 4, gen);
        var x = Ham.Torch.Random.Normal([5, 6], gen);
        Ham.Torch.Functional.Linear(x, linear.Weight, linear.Bias).Square().Mean().Backward();
        var expected = linear.Parameters().Select(p => p.Grad!.ToArray<float>()).ToList();
        using var optimizer = new AdamW(linear.Parameters(), 1e-2);
        optimizer.ZeroGrad();
        using var scaler = new GradScaler(initScale);
        scaler.Scale(Ham.Torch.Functional.Linear(x, linear.Weight, linear.Bias).Square().Mean()).Backward();
        scaler.Unscale(optimizer);
        var unscaled = linear.Parameters().Select(p => p.Grad!.ToArray<float>()).ToList();
        for (int i = 0; i < expected.Count; i++)
            for (int j = 0; j < expected[i].Length; j++)
            {
                // A power-of-two scale cancels exactly; another changes the fp32 rounding of every
                // op of the backward pass and of (g S)(1/S): a few ulps.
                double tolerance = double.IsPow2(initScale) ? 0 : 2e-6 * Math.Abs(expected[i][j]);
                Assert.True(Math.Abs(expected[i][j] - unscaled[i][j]) <= tolerance, $"parameter {i} entry {j}: {unscaled[i][j]} vs {expected[i][j]}");
            }
        Assert.Throws<InvalidOperationException>(() => scaler.Unscale(optimizer));
        Assert.True(scaler.Step(optimizer));
        scaler.Update();
    }

    [Fact]
    public void StateRoundTripResumesTheSameSequence()
    {
        var infs = R("scaler/interval3/inf").ToArray<int>();
        using var toyA = new Toy();
        using var toyB = new Toy();
        using var a = FromConfig("interval3");
        for (int t = 0; t < 5; t++) toyA.Step(a, infs[t]);
        var state = a.StateDict();
        // b loads before its first Scale (the lazily made scale takes the loaded value)...
        using var b = new GradScaler();
        b.LoadStateDict(state);
        Assert.Equal(a.CurrentScale, b.CurrentScale);
        Assert.Equal(3, b.GrowthInterval);
        // ...and c after it (the existing tensors are overwritten).
        using var toyC = new Toy();
        using var c = new GradScaler(initScale: 8, growthInterval: 7);
        toyC.Step(c, 0);
        c.LoadStateDict(state);
        for (int t = 5; t < infs.Length; t++)
        {
            toyA.Step(a, infs[t]);
            toyB.Step(b, infs[t]);
            toyC.Step(c, infs[t]);
            Assert.Equal(a.CurrentScale, b.CurrentScale);
            Assert.Equal(a.CurrentScale, c.CurrentScale);
            Assert.Equal(a.GrowthTracker, b.GrowthTracker);
            Assert.Equal(a.GrowthTracker, c.GrowthTracker);
        }
        foreach (var t in state.Values) t.Dispose();
        var incomplete = new Dictionary<string, Tensor>();
        var e = Assert.Throws<ArgumentException>(() => b.LoadStateDict(incomplete));
        Assert.Contains("missing scale, growth_tracker", e.Message);
    }

    [Fact]
    public void MisuseIsExplained()
    {
        using var toy = new Toy();
        using var scaler = new GradScaler();
        var e = Assert.Throws<InvalidOperationException>(() => scaler.Step(toy.Optimizer));
        Assert.Contains("before any Scale(loss)", e.Message);
        using var scope = new DisposeScope();
        var half = Tensor.Ones([2], DType.Float16).DetachFromScope().RequiresGrad_();
        using var sgd = new Sgd([half], 0.1);
        scaler.Scale(half.Sum()).Backward();
        e = Assert.Throws<InvalidOperationException>(() => scaler.Unscale(sgd));
        Assert.Contains("parameter 0's gradient is float16", e.Message);
        half.Dispose();
    }
}
