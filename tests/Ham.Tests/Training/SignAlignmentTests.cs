using Ham.Merging.Inspection;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Training.Method;

namespace Ham.Tests.Training;

/// <summary>
/// OPA's three sign-alignment forms (issue 15): values, open-hinge fractions and gradients against
/// PyTorch 1.13 on random float64 inputs (Data/sign_alignment_reference.safetensors, made by
/// Data/make_sign_alignment_reference.py) and against central finite differences; a hand-worked
/// case; and the properties each form's reading promises.
/// </summary>
public class SignAlignmentTests
{
    static string ReferencePath => Path.Combine(AppContext.BaseDirectory, "Training", "Data", "sign_alignment_reference.safetensors");

    const int Sources = 3, Tensors = 3;

    public static TheoryData<string> Forms() => new(SignAlignmentLoss.Forms);

    static (Tensor[] Theta0, Tensor[][] Thetas) ReadInputs(SafetensorsFile file) => (
        Enumerable.Range(0, Tensors).Select(l => file.Read($"theta0/{l}")).ToArray(),
        Enumerable.Range(0, Sources).Select(i => Enumerable.Range(0, Tensors).Select(l => file.Read($"source{i}/{l}")).ToArray()).ToArray());

    [Theory]
    [MemberData(nameof(Forms))]
    public void ValueActiveFractionAndGradientMatchPyTorch(string form)
    {
        using var scope = new DisposeScope();
        using var file = SafetensorsFile.Open(ReferencePath);
        var (theta0, thetas) = ReadInputs(file);
        foreach (var t in thetas.SelectMany(t => t)) t.RequiresGrad_();
        var loss = SignAlignmentLoss.Create(form);
        loss.BeginStep(thetas, theta0);
        for (int i = 0; i < Sources; i++)
        {
            var term = loss.Compute(thetas[i], theta0);
            Assert.Equal(file.Read($"{form}/{i}/value").Item(), term.Loss.Item(), 1e-14);
            Assert.Equal(file.Read($"{form}/{i}/active").Item(), term.ActiveFraction, 1e-14);
            term.Loss.Backward();
            for (int l = 0; l < Tensors; l++)
            {
                var expected = file.Read($"{form}/{i}/grad/{l}").ToArray<double>();
                var actual = thetas[i][l].Grad!.ToArray<double>();
                for (int k = 0; k < expected.Length; k++)
                    Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-14, $"{form}: source {i} d/dtheta[{l}][{k}]: PyTorch {expected[k]:R}, Ham {actual[k]:R}");
            }
        }
        // Every form's reference has open and shut hinges, so neither a dead nor an always-open loss passes.
        Assert.Contains(Enumerable.Range(0, Sources), i => file.Read($"{form}/{i}/active").Item() > 0);
    }

    /// <summary>
    /// The consensus is detached, so each form is differentiated with it held: for the mean forms
    /// it is taken once from the unperturbed sources; leave-one-out's v_bar_{-i} does not involve
    /// theta_i, so it is rebuilt from the perturbed sources (keeping Compute's precondition that
    /// source i's parameters are those the step began with).
    /// </summary>
    [Theory]
    [MemberData(nameof(Forms))]
    public void GradientMatchesFiniteDifferences(string form)
    {
        using var scope = new DisposeScope();
        using var file = SafetensorsFile.Open(ReferencePath);
        var (theta0, thetas) = ReadInputs(file);
        var loss = SignAlignmentLoss.Create(form);
        bool rebuild = form == "leave-one-out";
        const double h = 1e-6;
        for (int i = 0; i < Sources; i++)
        {
            var leaves = thetas[i].Select(t => t.Clone().RequiresGrad_()).ToArray();
            loss.BeginStep(thetas, theta0);
            loss.Compute(leaves, theta0).Loss.Backward();
            for (int l = 0; l < Tensors; l++)
            {
                var analytic = leaves[l].Grad!.ToArray<double>();
                var values = thetas[i][l].ToArray<double>();
                for (int k = 0; k < values.Length; k++)
                {
                    double numeric = (LossWith(loss, thetas, theta0, i, l, values, k, h, rebuild) - LossWith(loss, thetas, theta0, i, l, values, k, -h, rebuild)) / (2 * h);
                    Assert.True(Math.Abs(numeric - analytic[k]) <= 1e-7 * (1 + Math.Abs(numeric)),
                        $"{form}: source {i} d/dtheta[{l}][{k}]: finite differences {numeric:R}, backward {analytic[k]:R}");
                }
            }
        }
    }

    static double LossWith(SignAlignmentLoss loss, Tensor[][] thetas, Tensor[] theta0, int i, int l, double[] values, int k, double step, bool rebuild)
    {
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var shifted = (double[])values.Clone();
        shifted[k] += step;
        var moved = thetas[i].ToArray();
        moved[l] = Tensor.FromArray(shifted, thetas[i][l].Shape);
        if (rebuild) loss.BeginStep(thetas.Select((t, j) => j == i ? moved : t).ToArray(), theta0);
        return loss.Compute(moved, theta0).Loss.Item();
    }

    /// <summary>
    /// theta_0 = ((1, -1), (0)); updates v_1 = ((2, 1), (1)), v_2 = ((1, -2), (1)), v_3 = ((-6, 4), (1)),
    /// so v_bar = ((-1, 1), (1)) and the second tensor agrees everywhere (its hinges stay shut).
    /// layer-dot: &lt;v_i, v_bar&gt; on tensor 0 = -1, -3, 10 -> L = (1, 3, 0) / 2, gradient -v_bar / 2 where open.
    /// elementwise: -v_i * v_bar on tensor 0 = (2, -1), (1, 2), (-6, -4) -> means 1, 1.5, 0 -> L = (1, 1.5, 0) / 2;
    ///   open entries 1, 2, 0 of 3; gradient -v_bar[k] / (2 * 2) at open entries.
    /// leave-one-out: v_bar_{-1} = (-2.5, 1), v_bar_{-2} = (-2, 2.5), v_bar_{-3} = (1.5, -0.5);
    ///   &lt;v_i, v_bar_{-i}&gt; = -4, -7, -11 -> L = (4, 7, 11) / 2, gradient -v_bar_{-i} / 2. Source 3's
    ///   hinge opens here but not in layer-dot, where its own |v_3|^2 = 52 outweighs the others.
    /// </summary>
    [Theory]
    [InlineData("layer-dot", new[] { 0.5, 1.5, 0 }, new[] { 0.5, 0.5, 0 }, new[] { 0.5, -0.5, 0.5, -0.5, 0, 0 })]
    [InlineData("elementwise", new[] { 0.5, 0.75, 0 }, new[] { 1.0 / 3, 2.0 / 3, 0 }, new[] { 0.25, 0, 0.25, -0.25, 0, 0 })]
    [InlineData("leave-one-out", new[] { 2.0, 3.5, 5.5 }, new[] { 0.5, 0.5, 0.5 }, new[] { 1.25, -0.5, 1, -1.25, -0.75, 0.25 })]
    public void MatchesTheHandWorkedCase(string form, double[] losses, double[] active, double[] firstTensorGradients)
    {
        using var scope = new DisposeScope();
        var theta0 = new[] { Tensor.FromArray(new double[] { 1, -1 }), Tensor.FromArray(new double[] { 0 }) };
        var thetas = new[] { (3.0, 0.0), (2.0, -3.0), (-5.0, 3.0) }
            .Select(t => new[] { Tensor.FromArray(new[] { t.Item1, t.Item2 }).RequiresGrad_(), Tensor.FromArray(new double[] { 1 }).RequiresGrad_() }).ToArray();
        var loss = SignAlignmentLoss.Create(form);
        loss.BeginStep(thetas, theta0);
        for (int i = 0; i < Sources; i++)
        {
            var term = loss.Compute(thetas[i], theta0);
            Assert.Equal(losses[i], term.Loss.Item(), 14);
            Assert.Equal(active[i], term.ActiveFraction, 14);
            term.Loss.Backward();
            Assert.Equal(firstTensorGradients[(2 * i)..(2 * i + 2)], thetas[i][0].Grad!.ToArray<double>());
            Assert.Equal([0.0], thetas[i][1].Grad!.ToArray<double>());
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void IsZeroWheneverAllSourcesMadeTheSameUpdate(string form)
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(7);
        for (int draw = 0; draw < 20; draw++)
        {
            var theta0 = new[] { Ham.Torch.Random.Normal([4, 3], generator, DType.Float64), Ham.Torch.Random.Normal([6], generator, DType.Float64) };
            var update = theta0.Select(t => Ham.Torch.Random.Normal(t.Shape, generator, DType.Float64)).ToArray();
            var thetas = Enumerable.Range(0, Sources).Select(_ => theta0.Zip(update, (t, v) => t + v).ToArray()).ToArray();
            var loss = SignAlignmentLoss.Create(form);
            loss.BeginStep(thetas, theta0);
            for (int i = 0; i < Sources; i++)
            {
                var term = loss.Compute(thetas[i], theta0);
                Assert.Equal(0.0, term.Loss.Item());
                Assert.Equal(0.0, term.ActiveFraction);
            }
        }
    }

    /// <summary>
    /// On random updates with a shared sign pattern mostly kept, elementwise's loss is zero exactly
    /// when no entry of v_i has the opposite sign of v_bar's (checked entry by entry here), and its
    /// active fraction is the share of such entries.
    /// </summary>
    [Fact]
    public void ElementwiseIsZeroExactlyWhenEverySignAgreesWithTheMean()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(11);
        var random = new System.Random(11);
        int zero = 0, positive = 0;
        for (int draw = 0; draw < 200; draw++)
        {
            const int n = 6;
            var theta0 = Tensor.FromArray(Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray());
            var pattern = Enumerable.Range(0, n).Select(_ => random.Next(2) * 2 - 1.0).ToArray();
            // Each source follows the pattern; with probability 1/30 an entry flips, or is zero.
            var updates = Enumerable.Range(0, Sources).Select(_ => pattern.Select(s => (random.Next(30) switch { 0 => -s, 1 => 0, _ => s }) * (0.1 + random.NextDouble())).ToArray()).ToArray();
            var thetas = updates.Select(v => new[] { theta0 + Tensor.FromArray(v) }).ToArray();
            var loss = SignAlignmentLoss.Create("elementwise");
            loss.BeginStep(thetas, [theta0]);
            var mean = Enumerable.Range(0, n).Select(k => thetas.Average(t => t[0].ToArray<double>()[k]) - theta0.ToArray<double>()[k]).ToArray();
            for (int i = 0; i < Sources; i++)
            {
                var v = (thetas[i][0] - theta0).ToArray<double>();
                int disagreeing = Enumerable.Range(0, n).Count(k => v[k] * mean[k] < 0);
                var term = loss.Compute(thetas[i], [theta0]);
                Assert.Equal(disagreeing == 0, term.Loss.Item() == 0);
                Assert.Equal((double)disagreeing / n, term.ActiveFraction, 14);
                if (disagreeing == 0) zero++; else positive++;
            }
        }
        // Both sides of the equivalence were exercised.
        Assert.InRange(zero, 50, 600);
        Assert.InRange(positive, 50, 600);
    }

    [Fact]
    public void RefusesBadUse()
    {
        using var scope = new DisposeScope();
        var theta0 = new[] { Tensor.Zeros([2], DType.Float64) };
        var one = new[] { Tensor.Ones([2], DType.Float64) };
        Assert.Contains("opa: unknown sign-alignment form 'cosine' (expected one of layer-dot, elementwise, leave-one-out)",
            Assert.Throws<ArgumentException>(() => SignAlignmentLoss.Create("cosine")).Message);
        Assert.Contains("needs at least two sources, got 1",
            Assert.Throws<ArgumentException>(() => SignAlignmentLoss.Create("leave-one-out").BeginStep([one], theta0)).Message);
        foreach (string form in SignAlignmentLoss.Forms)
        {
            var loss = SignAlignmentLoss.Create(form);
            Assert.Contains("Compute before BeginStep", Assert.Throws<InvalidOperationException>(() => loss.Compute(one, theta0)).Message);
            Assert.Contains("a source has 2 parameter tensors, theta_0 has 1",
                Assert.Throws<ArgumentException>(() => loss.BeginStep([[.. one, .. one], one], theta0)).Message);
        }
    }
}

/// <summary>
/// The sign-conflict fraction a run's results.json records (<see cref="UpdateStatistics"/>, as
/// `ham merge inspect` measures it): a hand-worked case and PyTorch's count on random float32 states.
/// </summary>
public class SignConflictFractionTests
{
    static string ReferencePath => Path.Combine(AppContext.BaseDirectory, "Training", "Data", "sign_alignment_reference.safetensors");

    [Fact]
    public void CountsEntriesWhereSomeUpdateIsPositiveAndAnotherNegative()
    {
        using var scope = new DisposeScope();
        // v_1 = (1, 0, -1, 2, 0), v_2 = (2, 0, 1, 0, 0), v_3 = (0, -1, 3, -2, 0): entry 2 (-, +, +) and
        // entry 3 (+, 0, -) conflict; 0 (+, +, 0) and 1 (0, 0, -) do not, nor 4, which no source moved.
        // A second tensor, all sources moved alike: 0 of 2. So 2 of 7.
        var theta0 = new Dictionary<string, Tensor> { ["a"] = Tensor.Zeros([5]), ["b"] = Tensor.Ones([2]) };
        var updates = new[] { new float[] { 1, 0, -1, 2, 0 }, [2, 0, 1, 0, 0], [0, -1, 3, -2, 0] };
        var sources = updates.Select(v => (IReadOnlyDictionary<string, Tensor>)new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.FromArray(v), ["b"] = Tensor.FromArray(new float[] { 3, 3 }),
        }).ToList();
        Assert.Equal(2.0 / 7, UpdateStatistics.Of(theta0, sources).SignConflictFraction, 15);
        Assert.Equal(0.0, UpdateStatistics.Of(theta0, sources.Take(1).ToList()).SignConflictFraction);
    }

    [Fact]
    public void MatchesPyTorchOnRandomStates()
    {
        using var scope = new DisposeScope();
        using var file = SafetensorsFile.Open(ReferencePath);
        string[] names = ["0", "1"];
        var theta0 = names.ToDictionary(l => l, l => file.Read($"conflicts/theta0/{l}"));
        var sources = Enumerable.Range(0, 4).Select(i => (IReadOnlyDictionary<string, Tensor>)names.ToDictionary(l => l, l => file.Read($"conflicts/source{i}/{l}"))).ToList();
        var expected = file.Read("conflicts/count").ToArray<long>();
        double fraction = UpdateStatistics.Of(theta0, sources).SignConflictFraction;
        Assert.Equal((double)expected[0] / expected[1], fraction, 12);
        Assert.InRange(fraction, 0.1, 0.9);
    }
}
