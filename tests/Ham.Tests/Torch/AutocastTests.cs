using Ham.Torch;
using Ham.Torch.Modules;
using Ham.Torch.Serialization;
using F = Ham.Torch.Functional;

namespace Ham.Tests.Torch;

/// <summary>
/// Autocast against PyTorch 1.13's torch.autocast("cpu", dtype=torch.bfloat16) on the same fp32
/// inputs (Data/amp_reference.safetensors, made by Data/make_amp_reference.py), and the scope's
/// nesting and refusals.
/// </summary>
public class AutocastTests
{
    /// <summary>Shared by the tests, so owned by no test's scope.</summary>
    internal static readonly Lazy<Dictionary<string, Tensor>> Reference = new(() =>
    {
        var tensors = SafetensorsFile.Load(Path.Combine(AppContext.BaseDirectory, "Torch", "Data", "amp_reference.safetensors"));
        foreach (var t in tensors.Values) t.DetachFromScope();
        return tensors;
    });

    static Tensor R(string name) => Reference.Value[name];

    static float[] Floats(Tensor t) => t.To(DType.Float32).ToArray<float>();

    static Linear ReferenceLinear()
    {
        using var gen = new Generator(0);
        var linear = new Linear(64, 10, gen);
        linear.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = R("w"), ["bias"] = R("b") });
        return linear;
    }

    [Fact]
    public void Bf16OnCpuGivesPyTorchsOutputsAndFp32Gradients()
    {
        using var scope = new DisposeScope();
        using var linear = ReferenceLinear();
        Tensor output, matmul, conv;
        using (Autocast.On(Device.CPU, DType.BFloat16))
        {
            output = linear.Forward(R("x"));
            matmul = F.MatMul(R("a"), R("m"));
            conv = F.Conv2d(R("img"), R("kernel"), R("kernel_bias"), padding: 1);
        }
        // The same kernels of the same libtorch on the same inputs: the same bf16 bits. (The
        // script checks that rounding the fp32 results instead would give other values.)
        foreach (var (name, actual) in new[] { ("linear", output), ("matmul", matmul), ("conv2d", conv) })
        {
            Assert.Equal(DType.BFloat16, actual.DType);
            Assert.Equal(Floats(R($"{name}/out")), Floats(actual));
        }
        Assert.Equal(DType.Float32, linear.Weight.DType);
        output.To(DType.Float32).Square().Sum().Backward();
        var grad = linear.Weight.Grad!;
        Assert.Equal(DType.Float32, grad.DType);
        Assert.Equal(R("linear/grad_w").ToArray<float>(), grad.ToArray<float>());
    }

    [Fact]
    public void ScopesNestAndRestoreFp32()
    {
        using var scope = new DisposeScope();
        using var linear = ReferenceLinear();
        var x = R("x");
        var fp32 = linear.Forward(x);
        Assert.Equal(DType.Float32, fp32.DType);
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        using (Autocast.On(Device.CPU, Precision.BF16))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Equal(DType.BFloat16, linear.Forward(x).DType);
            using (Autocast.On(Device.CPU, Precision.FP32))
            {
                Assert.False(Autocast.IsEnabled(DeviceType.CPU));
                Assert.Equal(fp32.ToArray<float>(), linear.Forward(x).ToArray<float>());
            }
            Assert.Equal(DType.BFloat16, linear.Forward(x).DType);
        }
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(DType.BFloat16, Autocast.CurrentDType(DeviceType.CPU));
        Assert.Equal(fp32.ToArray<float>(), linear.Forward(x).ToArray<float>());
    }

    [Fact]
    public void Fp16OnCpuIsRefusedWithoutChangingAnything()
    {
        // libtorch 1.13's CPU autocast computes in bfloat16 only (torch.autocast("cpu", float16)
        // warns and disables itself there); a later libtorch may accept it.
        if (LibTorch.Version.StartsWith("1."))
        {
            var e = Assert.Throws<ArgumentException>(() => Autocast.On(Device.CPU, Precision.FP16));
            Assert.Contains("autocast to float16 on cpu is not supported by this libtorch", e.Message);
            Assert.Contains("Bfloat16", e.Message);
        }
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(DType.BFloat16, Autocast.CurrentDType(DeviceType.CPU));
        Assert.Throws<ArgumentException>(() => Autocast.On(Device.CPU, DType.Float64));
    }

    [Fact]
    public void AMissingDeviceIsNamed()
    {
        if (Devices.Count(DeviceType.CUDA) > 7) return;
        var e = Assert.Throws<ArgumentException>(() => Autocast.On(Device.Cuda(7), Precision.BF16));
        Assert.StartsWith("device cuda:7 is not available: this libtorch", e.Message);
        Assert.False(Autocast.IsEnabled(DeviceType.CUDA));
    }

    [Fact]
    public void OutOfOrderDisposalIsRefused()
    {
        var outer = Autocast.On(Device.CPU, Precision.BF16);
        var inner = Autocast.On(Device.CPU, Precision.FP32);
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
    }

    [Fact]
    public void PrecisionParserNamesTheOption()
    {
        Assert.Equal(Precision.BF16, PrecisionNames.Parse("bf16", "--precision"));
        Assert.Equal(Precision.FP16, PrecisionNames.Parse("FP16", "--precision"));
        Assert.Equal("fp32", Precision.FP32.Name());
        Assert.Null(Precision.FP32.AutocastDType());
        Assert.True(Precision.FP16.NeedsGradScaler());
        Assert.False(Precision.BF16.NeedsGradScaler());
        var e = Assert.Throws<ArgumentException>(() => PrecisionNames.Parse("fp8", "--precision"));
        Assert.Equal("--precision takes fp32, bf16 or fp16, got 'fp8'", e.Message);
    }
}
