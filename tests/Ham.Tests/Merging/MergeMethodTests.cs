using Ham.Merging;
using Ham.Torch;
using static Ham.Tests.Merging.MergeFixtures;

namespace Ham.Tests.Merging;

/// <summary>Each method on small state dicts against values worked out by hand (in the comments), and invariants.</summary>
public class MergeMethodTests
{
    // theta0: w = 1, b = 0. Task vectors (w | b):
    //   v1 = [ 3, -1,  0.5,  2, 0,   -4 | 1,    0.2, -0.1]
    //   v2 = [-2,  2, -0.5,  1, 1,    4 | -1,   0.3,  0.6]
    //   v3 = [ 1, -3,  0.1, -2, 0.2,  5 | 0.5, -0.4,  0.1]
    static readonly float[] W0 = [1, 1, 1, 1, 1, 1], B0 = [0, 0, 0];
    static readonly float[][] Vw = [[3, -1, 0.5f, 2, 0, -4], [-2, 2, -0.5f, 1, 1, 4], [1, -3, 0.1f, -2, 0.2f, 5]];
    static readonly float[][] Vb = [[1, 0.2f, -0.1f], [-1, 0.3f, 0.6f], [0.5f, -0.4f, 0.1f]];

    static Dictionary<string, Tensor> Base() => State(W0, B0, steps: 7);

    static List<IReadOnlyDictionary<string, Tensor>> Models() =>
        Enumerable.Range(0, 3).Select(i => (IReadOnlyDictionary<string, Tensor>)State(
            W0.Zip(Vw[i], (a, b) => a + b).ToArray(), B0.Zip(Vb[i], (a, b) => a + b).ToArray(), steps: 100 + i)).ToList();

    static Dictionary<string, Tensor> Merge(string method, MergeOptions options) =>
        ModelMerger.Merge(MergeMethod.Create(method, options.DeclaredBy(method)), Base(), Models());

    static float[] PlusBase(float[] w) => w.Select(x => x + 1).ToArray();

    [Fact]
    public void TiesTrimsElectsAndTakesTheDisjointMean()
    {
        using var scope = new DisposeScope();
        // density 0.5: keep int(9 * 0.5) = 4, threshold = 5th smallest |v_i| (ties kept):
        // v1 -> 1 (keeps 3,-1,2,-4 | 1), v2 -> 1 (keeps -2,2,1,1,4 | -1), v3 -> 0.5 (keeps 1,-3,-2,5 | 0.5).
        // Sum of trimmed: [2,-2,0,1,1,5 | 0.5,0,0]; signs sum to 4 > 0, so zeros elect +.
        // Disjoint means: w0 (3,1) 2; w1 (-1,-3) -2; w2 none 0; w3 (2,1) 1.5; w4 (1) 1; w5 (4,5) 4.5; b0 (1,0.5) 0.75.
        var merged = Merge("ties", new MergeOptions().With("density", 0.5));
        Equal(PlusBase([2, -2, 0, 1.5f, 1, 4.5f]), merged["w"]);
        Equal([0.75f, 0, 0], merged["b"]);
        Assert.Equal(7, merged["steps"].ItemLong()); // integers come from the base
    }

    [Fact]
    public void RedundancyAwareMergeDropsTheLowestMagnitudesPerModelAndAveragesWhatIsKept()
    {
        using var scope = new DisposeScope();
        // trim 0.5: threshold = rank int(9 * 0.5) = 4 smallest |v_i|, entries <= it dropped:
        // v1 -> 0.5 (keeps 3,-1,2,-4 | 1), v2 -> 1 (keeps -2,2,4), v3 -> 0.4 (keeps 1,-3,-2,5 | 0.5).
        // w0 (3,-2,1)/3; w1 (-1,2,-3)/3; w2 none; w3 (2,-2)/2 = 0; w4 none; w5 (-4,4,5)/3; b0 (1,0.5)/2.
        var merged = Merge("rhm", new MergeOptions().With("trim", 0.5));
        Equal(PlusBase([2f / 3, -2f / 3, 0, 0, 0, 5f / 3]), merged["w"]);
        Equal([0.75f, 0, 0], merged["b"]);
    }

    [Fact]
    public void RhmAtTrimZeroAndTiesAtDensityOneWithAgreeingSignsAreTheMeanUpdate()
    {
        using var scope = new DisposeScope();
        var mean = Enumerable.Range(0, 6).Select(j => Vw.Average(v => v[j])).ToArray();
        Equal(PlusBase(mean), Merge("rhm", new MergeOptions().With("trim", 0))["w"], 1e-5f);

        // Same-signed updates: v_i = (i + 1) * [1, -2, 3, 0.5, -1, 2].
        float[] direction = [1, -2, 3, 0.5f, -1, 2];
        var models = Enumerable.Range(1, 3).Select(k => (IReadOnlyDictionary<string, Tensor>)State(
            W0.Zip(direction, (a, d) => a + k * d).ToArray(), B0)).ToList();
        var ties = ModelMerger.Merge(MergeMethod.Create("ties", new MergeOptions().With("density", 1)), Base(), models);
        Equal(PlusBase(direction.Select(d => 2 * d).ToArray()), ties["w"], 1e-5f);
    }

    [Theory]
    [InlineData("average")]
    [InlineData("task-arithmetic")]
    [InlineData("ties")]
    [InlineData("rhm")]
    [InlineData("dare-ta")]
    [InlineData("bn-stats")]
    [InlineData("trajectory")]
    public void CopiesOfOneModelMergeToThatModel(string method)
    {
        using var scope = new DisposeScope();
        var model = Models()[0];
        // Without trimming or dropping (TIES and RHM zero the trimmed entries of every copy alike).
        var options = new MergeOptions().With("drop", 0.0).With("density", 1).With("trim", 0);
        var merged = ModelMerger.Merge(MergeMethod.Create(method, options.DeclaredBy(method)), Base(), [model, model, model]);
        Equal(Values(model["w"]), merged["w"], 1e-5f);
        Equal(Values(model["b"]), merged["b"], 1e-5f);
    }

    [Fact]
    public void AverageTaskArithmeticWiseFtAndTrajectoryByHand()
    {
        using var scope = new DisposeScope();
        // weights 1:0:3 -> (theta_1 + 3 theta_3) / 4
        var average = Merge("average", new MergeOptions().With("weights", new double[] { 1, 0, 3 }));
        Equal(Enumerable.Range(0, 6).Select(j => 1 + (Vw[0][j] + 3 * Vw[2][j]) / 4).ToArray(), average["w"], 1e-5f);
        // lambda 0.5: theta0 + 0.5 * (v1 + v2 + v3)
        var arithmetic = Merge("task-arithmetic", new MergeOptions().With("lambda", 0.5));
        Equal(Enumerable.Range(0, 3).Select(j => 0.5f * (Vb[0][j] + Vb[1][j] + Vb[2][j])).ToArray(), arithmetic["b"], 1e-5f);
        // alpha 0.25 between theta0 and theta_1
        var wise = ModelMerger.Merge(MergeMethod.Create("wise-ft", new MergeOptions().With("alpha", 0.25)), Base(), [Models()[0]]);
        Equal(Vb[0].Select(v => 0.25f * v).ToArray(), wise["b"], 1e-6f);
        // Beta(0.5) over T = 2: w_t ~ 1 / sqrt(x (1 - x)) at x = 1/6, 1/2, 5/6 -> (sqrt(5)/... ) normalized
        double[] pdf = [1 / Math.Sqrt(1.0 / 6 * 5 / 6), 1 / Math.Sqrt(0.25), 1 / Math.Sqrt(5.0 / 6 * 1 / 6)];
        double[] w = pdf.Select(p => p / pdf.Sum()).ToArray();
        var trajectory = ModelMerger.Merge(MergeMethod.Create("trajectory", new MergeOptions()), null, Models());
        Equal(Enumerable.Range(0, 3).Select(j => (float)(w[0] * Vb[0][j] + w[1] * Vb[1][j] + w[2] * Vb[2][j])).ToArray(), trajectory["b"], 1e-6f);
    }

    [Fact]
    public void BatchNormStatisticsMergeAsAGaussianMixture()
    {
        using var scope = new DisposeScope();
        static IReadOnlyDictionary<string, Tensor> Bn(float mean, float variance, long count, float weight) => new Dictionary<string, Tensor>
        {
            ["bn.weight"] = Tensor.FromArray(new[] { weight }, 1),
            ["bn.running_mean"] = Tensor.FromArray(new[] { mean }, 1),
            ["bn.running_var"] = Tensor.FromArray(new[] { variance }, 1),
            ["bn.num_batches_tracked"] = Tensor.FromArray(new[] { count }, 1),
        };
        // n = 1 and 3: w = 1/4, 3/4; mean = 0.25 * 2 + 0.75 * 6 = 5;
        // var = 0.25 * (1 + 9) + 0.75 * (4 + 1) = 6.25; count 4; weight (1 + 3) / 2 = 2.
        var a = Bn(2, 1, 1, 1);
        var b = Bn(6, 4, 3, 3);
        var merged = ModelMerger.Merge(MergeMethod.Create("bn-stats", new MergeOptions()), null, [a, b]);
        Equal([5], merged["bn.running_mean"]);
        Equal([6.25f], merged["bn.running_var"]);
        Assert.Equal(4, merged["bn.num_batches_tracked"].ItemLong());
        Equal([2], merged["bn.weight"]);
        // Identical models: the identity, counts added.
        var same = ModelMerger.Merge(MergeMethod.Create("bn-stats", new MergeOptions()), null, [b, b]);
        Equal([6], same["bn.running_mean"]);
        Equal([4], same["bn.running_var"]);
    }

    [Fact]
    public void DareDropsAboutPAndRescalesTheRestDeterministically()
    {
        using var scope = new DisposeScope();
        var zero = new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros([100_000]) };
        var one = new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([100_000]) };
        var options = new MergeOptions().With("drop", 0.75).With("lambda", 1).With("seed", 11);
        var merged = ModelMerger.Merge(MergeMethod.Create("dare-ta", options), zero, [one]);
        var values = Values(merged["w"]);
        Assert.All(values, v => Assert.True(v == 0 || Math.Abs(v - 4) < 1e-6));
        double keptFraction = values.Count(v => v != 0) / (double)values.Length;
        Assert.InRange(keptFraction, 0.24, 0.26);
        var again = ModelMerger.Merge(MergeMethod.Create("dare-ta", options), zero, [one]);
        Assert.Equal(values, Values(again["w"]));
        var otherSeed = ModelMerger.Merge(MergeMethod.Create("dare-ta", options.With("seed", 12)), zero, [one]);
        Assert.NotEqual(values, Values(otherSeed["w"]));
    }

    [Fact]
    public void SvdMergesReconstructASingleTaskAndIsoCFlattensTheSpectrum()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(5);
        var theta0 = new Dictionary<string, Tensor> { ["layer.weight"] = Ham.Torch.Random.Normal([6, 4], generator) };
        var delta = Ham.Torch.Random.Normal([6, 4], generator);
        var model = new Dictionary<string, Tensor> { ["layer.weight"] = theta0["layer.weight"] + delta };
        foreach (string method in new[] { "tsv", "score" })
        {
            var merged = ModelMerger.Merge(MergeMethod.Create(method, new MergeOptions()), theta0, [model]);
            Equal(Values(model["layer.weight"]), merged["layer.weight"], 1e-4f);
        }
        // v = diag(3, 1): mean singular value 2, U V^T = I -> theta0 + 2 I.
        var zero = new Dictionary<string, Tensor> { ["m"] = Tensor.Zeros([2, 2]) };
        var diagonal = new Dictionary<string, Tensor> { ["m"] = Tensor.FromArray(new float[] { 3, 0, 0, 1 }, 2, 2) };
        var iso = ModelMerger.Merge(MergeMethod.Create("iso-c", new MergeOptions()), zero, [diagonal]);
        Equal([2, 0, 0, 2], iso["m"], 1e-5f);
    }

    [Fact]
    public void TensorScopeThresholdsEachTensorOnItsOwn()
    {
        using var scope = new DisposeScope();
        // rhm trim 0.5 per tensor: w has 6 entries (rank 3), b has 3 (rank 1).
        // w thresholds: v1 |.| sorted 0,0.5,1,... -> 1; v2 0.5,1,1 -> 1; v3 0.1,0.2,1 -> 1.
        // kept w: v1 (3,2,-4), v2 (-2,2,4), v3 (-3,-2,5) -> w0 (3,-2)/2, w1 (2,-3)/2, w3 (2,-2)/2, w5 (-4,4,5)/3.
        var merged = Merge("rhm", new MergeOptions().With("trim", 0.5).With("trim-scope", "tensor"));
        Equal(PlusBase([0.5f, -0.5f, 0, 0, 0, 5f / 3]), merged["w"], 1e-6f);
    }
}
