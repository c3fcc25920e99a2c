using Ham.Torch;
using Ham.Torch.Modules;
using Ham.Torch.Optim;

namespace Ham.Tests.Torch;

/// <summary>
/// Layers and optimizers against PyTorch 1.13 (values from torch with the same deterministic
/// weights, pattern sin(0.37 k + offset), float64).
/// </summary>
public class ModuleReferenceTests
{
    static Tensor Pattern(long[] shape, double offset)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        using var k = Tensor.Arange(0, n, 1, DType.Float64);
        using var s = (k * 0.37 + offset);
        using var sin = s.Sin();
        return sin.Reshape(shape);
    }

    static void AssertClose(double[] expected, Tensor actual, double tolerance = 1e-10)
    {
        var a = actual.To(DType.Float64).ToArray<double>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"entry {i}: expected {expected[i]}, got {a[i]}");
    }

    static MultiheadAttention Attention()
    {
        using var gen = new Generator(0);
        var mha = new MultiheadAttention(8, 2, gen);
        mha.To(DType.Float64);
        var state = new Dictionary<string, Tensor>
        {
            ["in_proj_weight"] = Pattern([24, 8], 0.1),
            ["in_proj_bias"] = Pattern([24], 0.2),
            ["out_proj.weight"] = Pattern([8, 8], 0.3),
            ["out_proj.bias"] = Pattern([8], 0.4),
        };
        mha.LoadStateDict(state);
        return mha;
    }

    [Fact]
    public void MultiheadAttentionMatchesPyTorch()
    {
        using var scope = new DisposeScope();
        using var mha = Attention();
        var x = Pattern([3, 2, 8], 0.5);
        AssertClose([4.1004535042791, -3.80982009038158, 6.06132896624802, -4.63183482146484, 6.87471107466993, -5.24145764992881, 6.41723393285428, -5.4727534049175, 4.25698212357543, -2.8582777374199, 4.03300746711761, -1.59343628711888, 2.92615437706482, -0.512592552556916, 1.06357093271658, 0.329650288320573, 4.08362334094603, -3.80581702591739, 6.07028464292448, -4.65345472850564, 6.90828423334765, -5.28587999436626, 6.4710446176437, -5.53418284556806, 4.25671407986296, -2.85482397725663, 4.02648156869796, -1.58405285705263, 2.91422199295846, -0.498503615323691, 1.0477887623257, 0.346606689294335, 4.08274169978633, -3.80573701382409, 6.0710088911252, -4.65495941982747, 6.91051988545383, -5.28877308700129, 6.47450001037445, -5.5380869065125, 4.25666836606588, -2.85460292114142, 4.02609243977763, -1.58350845197725, 2.91354021469249, -0.497706884400345, 1.04690327953932, 0.347551804511213], mha.Forward(x));
        var causal = Tensor.Full([3, 3], double.NegativeInfinity, DType.Float64).Triu(1);
        AssertClose([3.92076052597615, -3.49654472924743, 5.62477339967724, -4.08635534250621, 6.23824597996122, -4.53493733210418, 5.66389257675593, -4.69736492273918, 4.44259353949363, -3.11773330142442, 4.35777488596741, -1.97283546280417, 3.3477086258237, -0.962438905286338, 1.52691602389509, -0.131956264724073, 4.00386080534655, -3.6820718320824, 5.90662619782553, -4.45526500130694, 6.68208076733761, -5.03910157510933, 6.21180664573548, -5.27101045865213, 4.35713126570002, -2.9589768650908, 4.13094505186674, -1.68539161484976, 3.00910346243999, -0.5838075838865, 1.12070997706572, 0.28846626979141, 4.08274169978633, -3.80573701382409, 6.0710088911252, -4.65495941982747, 6.91051988545383, -5.28877308700129, 6.47450001037445, -5.5380869065125, 4.25666836606588, -2.85460292114142, 4.02609243977763, -1.58350845197725, 2.91354021469249, -0.497706884400345, 1.04690327953932, 0.347551804511213], mha.Forward(x, causal));
        var kv = Pattern([4, 2, 8], 0.6);
        AssertClose([4.15685202383491, -3.85421348337792, 6.09225733935609, -4.64828108356988, 6.87613438429283, -5.2278112010004, 6.38896649395041, -5.43079456133663, 4.18062684934581, -2.82418616170755, 4.04230070413774, -1.64580872529706, 3.01988372918782, -0.644596493831781, 1.22950846417399, 0.135236084451957, 4.16091465516344, -3.8659322560827, 6.1112468772147, -4.67391690852904, 6.90757345266271, -5.26401962726158, 6.4287535504658, -5.47285183587508, 4.17601702745282, -2.81817953366398, 4.03509480015288, -1.63764051421796, 3.01102182569018, -0.635332324925865, 1.22014668551843, 0.144387607265387, 4.16117291681701, -3.86644074081819, 6.11198886332145, -4.67486799551647, 6.9087023636796, -5.265289237647, 6.43012210860748, -5.47427433622679, 4.17582437432468, -2.81793257354768, 4.03480165442419, -1.63731082308379, 3.01066643116676, -0.634962914294981, 1.21977540698682, 0.144748544064381], mha.Forward(x, kv, kv));
        // A bool mask (true = blocked) is the same as the additive -inf one.
        var blocked = Tensor.Ones([3, 3], DType.Bool).Triu(1);
        AssertClose([3.92076052597615, -3.49654472924743, 5.62477339967724, -4.08635534250621, 6.23824597996122, -4.53493733210418, 5.66389257675593, -4.69736492273918, 4.44259353949363, -3.11773330142442, 4.35777488596741, -1.97283546280417, 3.3477086258237, -0.962438905286338, 1.52691602389509, -0.131956264724073, 4.00386080534655, -3.6820718320824, 5.90662619782553, -4.45526500130694, 6.68208076733761, -5.03910157510933, 6.21180664573548, -5.27101045865213, 4.35713126570002, -2.9589768650908, 4.13094505186674, -1.68539161484976, 3.00910346243999, -0.5838075838865, 1.12070997706572, 0.28846626979141, 4.08274169978633, -3.80573701382409, 6.0710088911252, -4.65495941982747, 6.91051988545383, -5.28877308700129, 6.47450001037445, -5.5380869065125, 4.25666836606588, -2.85460292114142, 4.02609243977763, -1.58350845197725, 2.91354021469249, -0.497706884400345, 1.04690327953932, 0.347551804511213], mha.Forward(x, x, x, blocked));
    }

    [Fact]
    public void BatchNormTrainUpdatesRunningStatisticsAsPyTorch()
    {
        using var scope = new DisposeScope();
        using var bn = new BatchNorm2d(3);
        bn.To(DType.Float64);
        bn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Pattern([3], 0.8), ["bias"] = Pattern([3], 0.9),
            ["running_mean"] = Tensor.Zeros([3], DType.Float64), ["running_var"] = Tensor.Ones([3], DType.Float64),
            ["num_batches_tracked"] = Tensor.Zeros([], DType.Int64),
        });
        var x = Pattern([2, 3, 2, 2], 1.0) * 3;
        AssertClose([1.35164759068185, 1.5048497605267, 1.51128066633955, 1.3700699151874, 1.22277595446389, 0.597446652253421, -0.102312421820559, -0.781792159800356, 0.306722734054288, 0.026904126238245, -0.0752020740507622, 0.0142237283945444, -0.405983156389238, -0.0839004304967661, 0.306440916554673, 0.712210014615705, 1.18502092826482, 1.66420182783905, 1.924572646909, 1.93089341656828, 2.54940020227136, 2.2017938406504, 1.73753876657967, 1.21946972641564], bn.Forward(x));
        bn.Forward(x * 0.5 + 1);
        AssertClose([0.237727692735427, 0.299266819613956, -0.00159200026295882], bn.RunningMean);
        AssertClose([1.3070221402316, 1.08404162781835, 1.40000599977493], bn.RunningVar);
        Assert.Equal(2, bn.NumBatchesTracked.ItemLong());
        bn.Eval();
        AssertClose([2.21814898285065, 2.4787435341509, 2.48968240672988, 2.2494850755006, 2.3203873793056, 1.45312958076608, 0.482646489786287, -0.459711560011661, -0.85119629153613, -1.35226109342074, -1.53510033852426, -1.37496759275959, -0.771554076501412, -0.223696278400302, 0.44026839189008, 1.13047543104501, 2.26802562240494, 2.93259286817117, 3.29369640602287, 3.30246256612509, 3.16471512362616, 2.54226433638638, 1.710933359048, 0.78323893944386], bn.Forward(x));
    }

    /// <summary>Five steps on f(p) = sum(scale (p - target)^2).</summary>
    static Tensor Optimize(Func<Tensor, Optimizer> make)
    {
        var p = Pattern([2, 3], 0.7).DetachFromScope().RequiresGrad_();
        using var target = Pattern([2, 3], 1.1);
        using var scaleSin = Pattern([2, 3], 1.3);
        using var scale = scaleSin.Abs() + 0.5;
        using var optimizer = make(p);
        for (int i = 0; i < 5; i++)
        {
            using var step = new DisposeScope();
            optimizer.ZeroGrad();
            ((p - target).Square() * scale).Sum().Backward();
            optimizer.Step();
        }
        return p;
    }

    [Fact]
    public void AdamWTrajectoryMatchesTorchOptim()
    {
        using var p = Optimize(p => new AdamW([p], learningRate: 0.1, weightDecay: 0.1));
        AssertClose([0.997169332200562, 1.02136156661328, 1.00971409271539, 0.697897761646029, 0.396230275755498, 0.0993530359724117], p);
    }

    [Fact]
    public void SgdTrajectoriesMatchTorchOptim()
    {
        using var nesterov = Optimize(p => new Sgd([p], 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true));
        AssertClose([0.966248020896556, 1.02931473564622, 0.951371001535227, 0.764421723742751, 0.527009887010166, 0.299877628157293], nesterov);
        using var damped = Optimize(p => new Sgd([p], 0.05, momentum: 0.8, dampening: 0.3));
        AssertClose([0.893515204766459, 0.997830907683921, 0.964709162422412, 0.827330882794473, 0.629552732873076, 0.403019487265449], damped);
    }

    [Fact]
    public void ClipGradNormScalesToTheLimitAndReturnsTheTotalNorm()
    {
        using var scope = new DisposeScope();
        var p1 = Tensor.Zeros([3], DType.Float64).RequiresGrad_();
        var p2 = Tensor.Zeros([2], DType.Float64).RequiresGrad_();
        p1.Grad = Pattern([3], 0.1) * 4;
        p2.Grad = Pattern([2], 0.2) * 4;
        Assert.Equal(4.19568983735098, Optimizer.ClipGradNorm([p1, p2], 1.0), 10);
        AssertClose([0.0951770952788882, 0.431763257051614, 0.709912287475406], p1.Grad!, 1e-9);
        AssertClose([0.189403212483115, 0.514463119093565], p2.Grad!, 1e-9);
    }

    [Fact]
    public void CosineScheduleMatchesCosineAnnealingLR()
    {
        var schedule = new CosineSchedule(0.1, 10);
        double[] expected = [0.1, 0.0975528258147577, 0.0904508497187474, 0.0793892626146237, 0.0654508497187474, 0.05, 0.0345491502812526, 0.0206107373853764, 0.00954915028125264, 0.00244717418524232, 0];
        for (int t = 0; t <= 10; t++) Assert.Equal(expected[t], schedule.At(t), 12);
    }
}

public class ModuleStateTests
{
    sealed class Block : Module
    {
        public Block(Generator g)
        {
            Attn = RegisterModule("attn", new MultiheadAttention(4, 2, g));
            Norm = RegisterModule("ln_1", new LayerNorm(4));
        }
        public MultiheadAttention Attn { get; }
        public LayerNorm Norm { get; }
    }

    sealed class Net : Module
    {
        public Net(Generator g)
        {
            Blocks = RegisterModule("blocks", new ModuleList<Block>([new Block(g), new Block(g)]));
            Head = RegisterModule("head", new Sequential(new Linear(4, 3, g), new BatchNorm2d(3)));
        }
        public ModuleList<Block> Blocks { get; }
        public Sequential Head { get; }
    }

    [Fact]
    public void StateDictUsesDottedPyTorchNames()
    {
        using var g = new Generator(1);
        using var net = new Net(g);
        var keys = net.StateDict().Keys.ToList();
        Assert.Contains("blocks.1.attn.in_proj_weight", keys);
        Assert.Contains("blocks.0.attn.out_proj.bias", keys);
        Assert.Contains("blocks.0.ln_1.weight", keys);
        Assert.Contains("head.0.weight", keys);
        Assert.Contains("head.1.num_batches_tracked", keys);
        Assert.Equal(2 * (12 * 4 + 12 + 16 + 4 + 4 + 4) + 12 + 3 + 3 + 3, net.ParameterCount());
    }

    [Fact]
    public void StrictLoadNamesMissingUnexpectedAndMismatchedKeys()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(1);
        using var net = new Net(g);
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        state.Remove("head.0.bias");
        state["extra.weight"] = Tensor.Zeros([1]);
        state["blocks.0.ln_1.weight"] = Tensor.Zeros([5]);
        var e = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));
        Assert.Contains("missing keys: head.0.bias", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        Assert.Contains("blocks.0.ln_1.weight (checkpoint [5], model [4])", e.Message);
    }

    [Fact]
    public void ToDtypeKeepsTensorIdentityAndLoadCopiesValues()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(2);
        using var linear = new Linear(3, 2, g);
        var weight = linear.Weight;
        linear.To(DType.Float64);
        Assert.Same(weight, linear.Weight);
        Assert.Equal(DType.Float64, linear.Weight.DType);
        Assert.True(linear.Weight.RequiresGrad);
        linear.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones([2, 3]), ["bias"] = Tensor.Zeros([2]) });
        Assert.Equal(6.0, linear.Weight.Sum().Item());
        linear.Freeze();
        Assert.False(linear.Weight.RequiresGrad);
    }

    [Fact]
    public void OptimizerStateRoundTripContinuesIdentically()
    {
        using var scope = new DisposeScope();
        Tensor Run(bool interrupt)
        {
            var p = Tensor.FromArray(new double[] { 1, -2, 3 }).DetachFromScope().RequiresGrad_();
            var optimizer = new AdamW([p], 0.05, 0.1);
            for (int i = 0; i < 6; i++)
            {
                if (interrupt && i == 3)
                {
                    var saved = optimizer.StateDict();
                    optimizer.Dispose();
                    optimizer = new AdamW([p], 0.05, 0.1);
                    optimizer.LoadStateDict(saved);
                }
                optimizer.ZeroGrad();
                (p * p * p).Sum().Backward();
                optimizer.Step();
            }
            return p;
        }
        Assert.Equal(Run(false).ToArray<double>(), Run(true).ToArray<double>());
    }
}
