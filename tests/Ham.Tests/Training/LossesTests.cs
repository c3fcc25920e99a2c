using System.Text.Json;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Training.Losses;

namespace Ham.Tests.Training;

/// <summary>
/// The DomainBed baselines' losses against PyTorch 1.13 running DomainBed's code on the same
/// inputs (Data/loss_reference.safetensors, made by Data/make_loss_reference.py): values and the
/// gradients with respect to every input, in float64 and float32, to 1e-6 relative; float64
/// gradients also against central finite differences. CLIPood's margin metric softmax is there
/// too, computed as CLIPood's engine.py does (f - alpha t_y, then cosines): the same softmax as
/// Ham's margins alpha (1 - cos(t_y, t_k)), whose logits differ by the constant alpha per row.
/// </summary>
public class LossesTests
{
    static string ReferencePath => Path.Combine(AppContext.BaseDirectory, "Training", "Data", "loss_reference.safetensors");

    const double Lam = 0.3;
    const double MmsAlpha = 0.3, MmsTemperature = 100;

    /// <summary>Case name -> (the loss on the case's inputs, the inputs it is differentiated in).</summary>
    static readonly Dictionary<string, (Func<Dictionary<string, Tensor>, Tensor> Loss, string[] Differentiable)> Losses = new()
    {
        ["irm_even"] = (t => IrmPenalty.Compute(t["logits"], t["labels"]), ["logits"]),
        ["irm_odd"] = (t => IrmPenalty.Compute(t["logits"], t["labels"]), ["logits"]),
        ["coral_wide"] = (t => CoralDistance.Compute(t["x"], t["y"]), ["x", "y"]),
        ["coral_near"] = (t => CoralDistance.Compute(t["x"], t["y"]), ["x", "y"]),
        ["mmd_wide"] = (t => MmdDistance.Compute(t["x"], t["y"]), ["x", "y"]),
        ["mmd_near"] = (t => MmdDistance.Compute(t["x"], t["y"]), ["x", "y"]),
        ["mmd_close"] = (t => MmdDistance.Compute(t["x"], t["y"]), ["x", "y"]),
        ["coral_close"] = (t => CoralDistance.Compute(t["x"], t["y"]), ["x", "y"]),
        ["mixup"] = (t => MixupLoss.Compute(t["logits"], t["labels_i"], t["labels_j"], Lam), ["logits"]),
        ["mix"] = (t => MixupLoss.Mix(t["xi"], t["xj"], Lam), ["xi", "xj"]),
        ["mms"] = (t =>
        {
            using var loss = new MarginMetricSoftmax(t["text"], MmsTemperature, MmsAlpha);
            return loss.Compute(t["features"], t["labels"]);
        }, ["features"]),
    };

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string name in Losses.Keys)
            foreach (string dtype in new[] { "float64", "float32" }) cases.Add(name, dtype);
        return cases;
    }

    [Fact]
    public void EveryReferenceCaseIsTested()
    {
        using var file = SafetensorsFile.Open(ReferencePath);
        var names = file.Entries.Select(e => e.Name.Split('/')[0]).Distinct().Order();
        Assert.Equal(Losses.Keys.Order(), names);
    }

    /// <summary>The case's inputs read as fresh leaves, the differentiable ones requiring grad.</summary>
    static Dictionary<string, Tensor> Inputs(SafetensorsFile file, string prefix, string[] differentiable) =>
        file.Entries.Select(e => e.Name)
            .Where(n => n.StartsWith(prefix + "/") && n[(prefix.Length + 1)..] is var key && key != "value" && !key.StartsWith("grad_"))
            .ToDictionary(n => n[(prefix.Length + 1)..], n =>
            {
                var t = file.Read(n);
                return differentiable.Contains(n[(prefix.Length + 1)..]) ? t.RequiresGrad_() : t;
            });

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientsMatchDomainBed(string name, string dtype)
    {
        using var scope = new DisposeScope();
        using var file = SafetensorsFile.Open(ReferencePath);
        string prefix = $"{name}/{dtype}";
        var (loss, differentiable) = Losses[name];
        var inputs = Inputs(file, prefix, differentiable);
        Assert.Equal(dtype == "float64" ? DType.Float64 : DType.Float32, inputs[differentiable[0]].DType);

        var value = loss(inputs);
        AssertClose(file.Read($"{prefix}/value"), value, $"{prefix}/value");
        value.Sum().Backward();
        foreach (string input in differentiable)
            AssertClose(file.Read($"{prefix}/grad_{input}"), inputs[input].Grad!, $"{prefix}/grad_{input}");
    }

    /// <summary>Elementwise within 1e-6 of the reference tensor's largest magnitude (its own value for a scalar).</summary>
    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        var e = expected.To(DType.Float64).ToArray<double>();
        var a = actual.Detach().To(DType.Float64).ToArray<double>();
        double tolerance = 1e-6 * e.Max(Math.Abs);
        Assert.True(tolerance > 0, $"{what}: the reference is all zeros, which cannot tell a right loss from a wrong one");
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"{what}[{i}]: DomainBed {e[i]:R}, Ham {a[i]:R}");
    }

    public static TheoryData<string> Float64Cases() => new(Losses.Keys);

    [Theory]
    [MemberData(nameof(Float64Cases))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        using var scope = new DisposeScope();
        using var file = SafetensorsFile.Open(ReferencePath);
        var (loss, differentiable) = Losses[name];
        var inputs = Inputs(file, $"{name}/float64", differentiable);
        loss(inputs).Sum().Backward();
        const double h = 1e-6;
        foreach (string input in differentiable)
        {
            var analytic = inputs[input].Grad!.ToArray<double>();
            var values = inputs[input].Detach().ToArray<double>();
            for (int j = 0; j < values.Length; j++)
            {
                double numeric = (LossWith(loss, inputs, input, values, j, h) - LossWith(loss, inputs, input, values, j, -h)) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[j]) <= 1e-6 * (1 + Math.Abs(numeric)),
                    $"{name}: d/d{input}[{j}]: finite differences {numeric:R}, backward {analytic[j]:R}");
            }
        }
    }

    static double LossWith(Func<Dictionary<string, Tensor>, Tensor> loss, Dictionary<string, Tensor> inputs, string input, double[] values, int j, double step)
    {
        using var scope = new DisposeScope();
        using var noGrad = new NoGradScope();
        var shifted = (double[])values.Clone();
        shifted[j] += step;
        var changed = new Dictionary<string, Tensor>(inputs) { [input] = Tensor.FromArray(shifted, inputs[input].Shape) };
        return loss(changed).Sum().Item();
    }

    [Fact]
    public void IrmPenaltyVanishesWhenScaleOneIsCalibrated()
    {
        using var scope = new DisposeScope();
        // Every row has logits (ln 3, 0), so softmax = (3/4, 1/4). With labels 0, 0, 0, 1 in each
        // half the label frequencies equal the softmax, and d/ds CE(s z, y) at s = 1 is
        // mean_n (sum_k p_k z_k - z_y_n) = (3/4 ln 3) - (3/4 ln 3 + 1/4 * 0) = 0 in both halves.
        double ln3 = Math.Log(3);
        var logits = Tensor.FromArray(Enumerable.Repeat(new[] { ln3, 0.0 }, 8).SelectMany(r => r).ToArray(), 8, 2);
        var calibrated = Tensor.FromArray(new long[] { 0, 0, 0, 0, 0, 0, 1, 1 }); // even rows 0,0,0,1; odd rows 0,0,0,1
        Assert.Equal(0.0, IrmPenalty.Compute(logits, calibrated).Item(), 14);

        // Even half all label 0: g = 3/4 ln 3 - ln 3 = -ln 3 / 4; odd half all label 1: g = 3/4 ln 3.
        var split = Tensor.FromArray(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 });
        Assert.Equal(-3.0 / 16 * ln3 * ln3, IrmPenalty.Compute(logits, split).Item(), 14);
    }

    [Fact]
    public void IrmClosedFormEqualsTheDummyScaleGradient()
    {
        // DomainBed's definition run in Ham: autograd.grad of CE(z * s) w.r.t. s with create_graph, per half.
        using var scope = new DisposeScope();
        using var file = SafetensorsFile.Open(ReferencePath);
        var logits = file.Read("irm_odd/float64/logits").RequiresGrad_();
        var labels = file.Read("irm_odd/float64/labels");
        Tensor ScaleGradient(long start)
        {
            var scale = Tensor.Scalar(1.0, DType.Float64).RequiresGrad_();
            var half = logits.Slice(0, start, logits.Size(0), 2);
            var ce = Functional.CrossEntropy(half * scale, labels.Slice(0, start, labels.Size(0), 2));
            return Autograd.Grad([ce], [scale], createGraph: true)[0]!;
        }
        var byAutograd = ScaleGradient(0) * ScaleGradient(1);
        var closedForm = IrmPenalty.Compute(logits, labels);
        Assert.Equal(byAutograd.Item(), closedForm.Item(), 14);
        var gradAutograd = Autograd.Grad([byAutograd], [logits])[0]!.ToArray<double>();
        var gradClosed = Autograd.Grad([closedForm], [logits])[0]!.ToArray<double>();
        for (int i = 0; i < gradAutograd.Length; i++) Assert.Equal(gradAutograd[i], gradClosed[i], 14);
    }

    [Fact]
    public void PairsFollowDomainBedsPermutation()
    {
        using var file = SafetensorsFile.Open(ReferencePath);
        var cases = JsonDocument.Parse(file.Metadata["pairs"]).RootElement.EnumerateArray().ToArray();
        Assert.Equal(5, cases.Length);
        foreach (var c in cases)
        {
            var permutation = c.GetProperty("permutation").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var expected = c.GetProperty("pairs").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToArray();
            Assert.Equal(expected, MixupLoss.Pairs(permutation));
        }
        Assert.Equal([(2, 0), (0, 1), (1, 2)], MixupLoss.Pairs([2, 0, 1]));
        Assert.Equal([(0, 0)], MixupLoss.Pairs([0]));
    }

    [Fact]
    public void EachLossLeavesOnlyItsResultInTheCallersScope()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(5);
        var x = Ham.Torch.Random.Normal([6, 4], generator);
        var y = Ham.Torch.Random.Normal([5, 4], generator);
        var labels = Tensor.FromArray(new long[] { 0, 1, 2, 3, 0, 1 });
        var labelsJ = Tensor.FromArray(new long[] { 3, 2, 1, 0, 3, 2 });
        foreach (var loss in new Func<Tensor>[]
        {
            () => IrmPenalty.Compute(x, labels), () => CoralDistance.Compute(x, y), () => MmdDistance.Compute(x, y),
            () => MixupLoss.Compute(x, labels, labelsJ, Lam), () => MixupLoss.Mix(x, x, Lam),
        })
        {
            int before = scope.Count;
            var result = loss();
            Assert.Equal(before + 1, scope.Count);
            Assert.False(result.IsDisposed);
        }
    }

    [Fact]
    public void BadInputsAreRefusedByName()
    {
        using var scope = new DisposeScope();
        var logits = Tensor.Zeros([4, 3]);
        var labels = Tensor.FromArray(new long[] { 0, 1, 2, 0 });
        Assert.Contains("at least 2 rows", Assert.Throws<ArgumentException>(() => IrmPenalty.Compute(Tensor.Zeros([1, 3]), Tensor.FromArray(new long[] { 0 }))).Message);
        Assert.Contains("labels must be int64 of shape [4]", Assert.Throws<ArgumentException>(() => IrmPenalty.Compute(logits, labels.To(DType.Int32))).Message);
        Assert.Contains("logits must be 2-D", Assert.Throws<ArgumentException>(() => IrmPenalty.Compute(Tensor.Zeros([4]), labels)).Message);
        Assert.Contains("at least 2 rows", Assert.Throws<ArgumentException>(() => CoralDistance.Compute(Tensor.Zeros([1, 3]), logits)).Message);
        Assert.Contains("same feature width", Assert.Throws<ArgumentException>(() => MmdDistance.Compute(logits, Tensor.Zeros([4, 2]))).Message);
        Assert.Contains("labelsJ", Assert.Throws<ArgumentException>(() => MixupLoss.Compute(logits, labels, labels.Slice(0, 0, 3), Lam)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MixupLoss.Mix(logits, logits, 1.5));
        Assert.Contains("one shape", Assert.Throws<ArgumentException>(() => MixupLoss.Mix(logits, Tensor.Zeros([3, 3]), Lam)).Message);
        Assert.Contains("permutation of 0..2", Assert.Throws<ArgumentException>(() => MixupLoss.Pairs([0, 2, 2])).Message);
    }
}
