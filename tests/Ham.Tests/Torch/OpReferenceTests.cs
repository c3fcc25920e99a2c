using Ham.Torch;
using Ham.Torch.Serialization;
using F = Ham.Torch.Functional;

namespace Ham.Tests.Torch;

/// <summary>
/// Every op against PyTorch 1.13 on the same float64 inputs (Data/op_reference.safetensors, made
/// by Data/make_op_reference.py), and the seeded generator against torch.Generator draws.
/// </summary>
public class OpReferenceTests
{
    internal static readonly Lazy<Dictionary<string, Tensor>> Reference = new(() =>
        SafetensorsFile.Load(Path.Combine(AppContext.BaseDirectory, "Torch", "Data", "op_reference.safetensors")));

    static Generator Seeded() => new(1234);

    /// <summary>Op name -> what it computes from the case's inputs (outputs in order).</summary>
    internal static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Ops = new()
    {
        ["neg"] = x => [-x[0]], ["abs"] = x => [x[0].Abs()], ["sign"] = x => [x[0].Sign()], ["exp"] = x => [x[0].Exp()],
        ["sin"] = x => [x[0].Sin()], ["cos"] = x => [x[0].Cos()], ["tanh"] = x => [x[0].Tanh()], ["erf"] = x => [x[0].Erf()],
        ["floor"] = x => [x[0].Floor()], ["ceil"] = x => [x[0].Ceil()], ["round"] = x => [x[0].Round()],
        ["sigmoid"] = x => [x[0].Sigmoid()], ["relu"] = x => [x[0].Relu()], ["square"] = x => [x[0].Square()],
        ["gelu"] = x => [x[0].Gelu()], ["gelu_tanh"] = x => [x[0].Gelu(tanhApproximation: true)], ["silu"] = x => [x[0].Silu()],
        ["leaky_relu"] = x => [x[0].LeakyRelu(0.1)], ["quick_gelu"] = x => [x[0].QuickGelu()],
        ["clamp"] = x => [x[0].Clamp(-0.5, 0.7)], ["clamp_min"] = x => [x[0].Clamp(min: 0.2)],
        ["log"] = x => [x[0].Log()], ["sqrt"] = x => [x[0].Sqrt()], ["rsqrt"] = x => [x[0].Rsqrt()], ["reciprocal"] = x => [x[0].Reciprocal()],
        ["add"] = x => [x[0] + x[1]], ["sub"] = x => [x[0] - x[1]], ["mul"] = x => [x[0] * x[1]], ["div"] = x => [x[0] / x[1]],
        ["maximum"] = x => [x[0].Maximum(x[1])], ["minimum"] = x => [x[0].Minimum(x[1])], ["remainder"] = x => [x[0].Remainder(x[1])],
        ["lt"] = x => [x[0].Lt(x[1])], ["ge"] = x => [x[0].Ge(x[1])], ["eq"] = x => [x[0].Eq(x[1])],
        ["lerp"] = x => [x[0].Lerp(x[1], 0.3)], ["where"] = x => [Tensor.Where(x[0].Gt(x[1]), x[0], x[1])],
        ["pow"] = x => [x[0].Pow(x[1])], ["pow_scalar"] = x => [x[0].Pow(2.5)],
        ["scalar_ops"] = x => [((2.0 - x[0]) * 3.0 + 1.5) / 4.0], ["rdiv"] = x => [2.0 / x[0]],
        ["matmul_batched"] = x => [F.MatMul(x[0], x[1])], ["mm"] = x => [F.Mm(x[0], x[1])], ["bmm"] = x => [F.Bmm(x[0], x[1])],
        ["baddbmm"] = x => [F.BAddBmm(x[0], x[1], x[2], beta: 0.5, alpha: 2.0)], ["linear"] = x => [F.Linear(x[0], x[1], x[2])],
        ["conv2d"] = x => [F.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1, groups: 2)],
        ["conv2d_dilated"] = x => [F.Conv2d(x[0], x[1], null, stride: 1, padding: 2, dilation: 2)],
        ["avg_pool2d"] = x => [F.AvgPool2d(x[0], 3, 2, 1)], ["max_pool2d"] = x => [F.MaxPool2d(x[0], 3, 2, 1)],
        ["adaptive_avg_pool2d"] = x => [F.AdaptiveAvgPool2d(x[0], 3, 4)], ["adaptive_max_pool2d"] = x => [F.AdaptiveMaxPool2d(x[0], 3, 4)],
        ["layer_norm"] = x => [F.LayerNorm(x[0], [5], x[1], x[2])], ["group_norm"] = x => [F.GroupNorm(x[0], 3, x[1], x[2])],
        ["batch_norm_eval"] = x => [F.BatchNorm(x[0], x[1], x[2], x[3], x[4], training: false)],
        ["softmax"] = x => [F.Softmax(x[0], 1)], ["log_softmax"] = x => [F.LogSoftmax(x[0], 0)],
        ["embedding"] = x => [F.Embedding(x[0], x[1])],
        ["cross_entropy"] = x => [F.CrossEntropy(x[0], x[1])],
        ["cross_entropy_smoothing"] = x => [F.CrossEntropy(x[0], x[1], labelSmoothing: 0.1)],
        ["cross_entropy_none"] = x => [F.CrossEntropy(x[0], x[1], reduction: Reduction.None)],
        ["nll_loss"] = x => [F.NllLoss(x[0], x[1])], ["mse_loss"] = x => [F.MseLoss(x[0], x[1])],
        ["interpolate_bilinear"] = x => [F.Interpolate(x[0], 5, 7, InterpolationMode.Bilinear)],
        ["interpolate_bicubic"] = x => [F.Interpolate(x[0], 13, 6, InterpolationMode.Bicubic)],
        ["interpolate_bicubic_aa"] = x => [F.Interpolate(x[0], 4, 5, InterpolationMode.Bicubic, antialias: true)],
        ["interpolate_bilinear_aa"] = x => [F.Interpolate(x[0], 4, 5, InterpolationMode.Bilinear, antialias: true)],
        ["sum_dims"] = x => [x[0].Sum([0, 2])], ["mean_keepdim"] = x => [x[0].Mean([1], keepDim: true)], ["prod"] = x => [x[0].Prod()],
        ["var"] = x => [x[0].Var([1])], ["std_biased"] = x => [x[0].Std([2], correction: 0)],
        ["norm_l1"] = x => [x[0].Norm(1, [1, 2])], ["norm_l2"] = x => [x[0].Norm()], ["logsumexp"] = x => [x[0].LogSumExp(2)],
        ["max_dim"] = x => Pair(x[0].Max(1)), ["min_dim"] = x => Pair(x[0].Min(2, keepDim: true)), ["argmax"] = x => [x[0].ArgMax(2)],
        ["cumsum"] = x => [x[0].CumSum(1)], ["sort_desc"] = x => Pair(x[0].Sort(2, descending: true)),
        ["topk"] = x => Pair(x[0].TopK(2, 2)), ["kthvalue"] = x => Pair(x[0].KthValue(3, 1)),
        ["quantile"] = x => [x[0].Quantile(0.3, 2)], ["quantile_all"] = x => [x[0].Quantile(0.85)],
        ["permute"] = x => [x[0].Permute(2, 0, 1)], ["transpose"] = x => [x[0].Transpose(0, 2)], ["flatten"] = x => [x[0].Flatten(1)],
        ["expand"] = x => [x[0].Expand(3, 4)], ["repeat"] = x => [x[0].Repeat(2, 1, 2)], ["flip"] = x => [x[0].Flip(0, 2)],
        ["narrow"] = x => [x[0].Narrow(2, 1, 3)], ["select"] = x => [x[0].Select(1, 2)], ["slice_step"] = x => [x[0].Slice(2, 1, 5, 2)],
        ["tril"] = x => [x[0].Tril(-1)], ["triu"] = x => [x[0].Triu(1)], ["diagonal"] = x => [x[0].Diagonal(1)],
        ["cat"] = x => [Tensor.Cat([x[0], x[1]], 0)], ["stack"] = x => [Tensor.Stack([x[0], x[1]], 1)],
        ["split"] = x => x[0].Split(3, 0), ["chunk"] = x => x[0].Chunk(3, 1),
        ["index_select"] = x => [x[0].IndexSelect(1, x[1])], ["gather"] = x => [x[0].Gather(1, x[1])],
        ["scatter"] = x => [x[0].Scatter(1, x[1], x[2])], ["scatter_add"] = x => [x[0].ScatterAdd(1, x[1], x[2])],
        ["masked_fill"] = x => [x[0].MaskedFill(x[1], -7.0)], ["masked_select"] = x => [x[0].MaskedSelect(x[1])],
        ["one_hot"] = x => [x[0].OneHot(5)], ["pad"] = x => [x[0].Pad([1, 2, 0, 1], 0.5)],
        ["svd_values"] = x => [Linalg.Svd(x[0]).S], ["eigh_values"] = x => [Linalg.Eigh(x[0] + x[0].T).Values],
        ["qr"] = x => { var (q, r) = Linalg.Qr(x[0]); return [q, r]; }, ["inverse"] = x => [Linalg.Inverse(x[0])],
        ["random_normal"] = _ => [Ham.Torch.Random.Normal([3, 5], Seeded())],
        ["random_uniform"] = _ => [Ham.Torch.Random.Uniform([3, 5], Seeded())],
        ["random_randint"] = _ => [Ham.Torch.Random.Integers(0, 10, [3, 5], Seeded())],
        ["random_randperm"] = _ => [Ham.Torch.Random.Permutation(12, Seeded())],
        ["random_bernoulli"] = _ => [Ham.Torch.Random.Bernoulli(Tensor.Zeros([3, 5]), 0.3, Seeded())],
    };

    static Tensor[] Pair((Tensor Values, Tensor Indices) result) => [result.Values, result.Indices];

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (string key in Reference.Value.Keys.Where(k => k.EndsWith("/out0")).Order()) names.Add(key[..^5]);
        return names;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        Assert.True(Ops.TryGetValue(name, out var op), $"no C# op for reference case '{name}'");
        using var scope = new DisposeScope();
        var inputs = Tensors(name, "in");
        var expected = Tensors(name, "out");
        var actual = op(inputs);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertSame(expected[i], actual[i], $"{name}/out{i}");
    }

    /// <summary>The case's tensors NAME/in0, NAME/in1, ... (or out).</summary>
    internal static Tensor[] Tensors(string name, string kind) =>
        Enumerable.Range(0, 8).TakeWhile(i => Reference.Value.ContainsKey($"{name}/{kind}{i}")).Select(i => Reference.Value[$"{name}/{kind}{i}"]).ToArray();

    [Fact]
    public void EveryOpHasAReferenceCase() =>
        Assert.Empty(Ops.Keys.Where(name => !Reference.Value.ContainsKey($"{name}/out0")));

    static void AssertSame(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.DType is DType.Float64 or DType.Float32)
        {
            var e = expected.To(DType.Float64).ToArray<double>();
            var a = actual.To(DType.Float64).ToArray<double>();
            double tolerance = expected.DType == DType.Float64 ? 1e-10 : 0;
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * (1 + Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]:R}, got {a[i]:R}");
        }
        else
        {
            Assert.Equal(expected.To(DType.Int64).ToArray<long>(), actual.To(DType.Int64).ToArray<long>());
        }
    }
}
