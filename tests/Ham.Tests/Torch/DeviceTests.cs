using Ham.Torch;
using Ham.Torch.Modules;
using Ham.Torch.Optim;

namespace Ham.Tests.Torch;

/// <summary>Devices as this libtorch sees them, moves between them, and optimizers over moved modules.</summary>
public class DeviceTests
{
    [Fact]
    public void AMissingDeviceFailsWithWhatIsThere()
    {
        int gpus = Devices.Count(DeviceType.CUDA);
        Assert.Equal(1, Devices.Count(DeviceType.CPU));
        Assert.Equal(gpus + 1, Devices.Visible().Count);
        Assert.Equal(Device.CPU, Devices.Require(Device.CPU));
        Assert.Equal(gpus > 0, Devices.IsAvailable(Device.Parse("cuda")));
        Assert.Equal(gpus > 0, Devices.IsAvailable(new Device(DeviceType.CUDA)));
        if (gpus > 7) return;
        var e = Assert.Throws<ArgumentException>(() => Devices.Require(Device.Parse("cuda:7")));
        string seen = string.Join(", ", ["cpu", .. Enumerable.Range(0, gpus).Select(i => $"cuda:{i}")]);
        Assert.Equal($"device cuda:7 is not available: this libtorch ({LibTorch.Version}, {(Devices.CudaBuilt ? "CUDA" : "CPU only")}) sees {seen}", e.Message);
        if (!Devices.CudaBuilt) Assert.EndsWith("CPU only) sees cpu", e.Message);
    }

    [Fact]
    public void ToTheSameDeviceIsTheSameTensor()
    {
        using var scope = new DisposeScope();
        var t = Tensor.FromArray([1f, 2f, 3f], 3);
        var moved = t.To(Device.CPU, nonBlocking: true);
        moved.Mul_(2);
        Assert.Equal([2f, 4f, 6f], t.ToArray<float>());
    }

    [Fact]
    public void PinMemoryPinsOnlyWhereCudaIs()
    {
        using var scope = new DisposeScope();
        var t = Tensor.FromArray([1f, 2f, 3f], 3);
        var pinned = t.PinMemory();
        Assert.Equal(t.ToArray<float>(), pinned.ToArray<float>());
        Assert.Equal(Devices.Count(DeviceType.CUDA) > 0, pinned.IsPinned);
        Assert.False(t.IsPinned);
        // Without CUDA it is the tensor itself: a write shows through both handles.
        pinned.Add_(1);
        Assert.Equal(Devices.Count(DeviceType.CUDA) > 0 ? [1f, 2f, 3f] : [2f, 3f, 4f], t.ToArray<float>());
    }

    static (Linear Model, Tensor X) Twin(ulong seed)
    {
        using var gen = new Generator(seed);
        var model = new Linear(5, 3, gen);
        var x = Ham.Torch.Random.Normal([4, 5], gen).DetachFromScope();
        return (model, x);
    }

    static void TrainStep(Linear model, Tensor x, Optimizer optimizer)
    {
        using var scope = new DisposeScope();
        optimizer.ZeroGrad();
        model.Forward(x).Square().Mean().Backward();
        optimizer.Step();
    }

    [Fact]
    public void ModuleToKeepsParametersSoOptimizersStillStepThem()
    {
        var (moved, x) = Twin(5);
        var (stay, _) = Twin(5);
        using var m = moved;
        using var s = stay;
        using var optimizerMoved = new AdamW(moved.Parameters(), 1e-2);
        using var optimizerStay = new AdamW(stay.Parameters(), 1e-2);
        TrainStep(moved, x, optimizerMoved);
        TrainStep(stay, x, optimizerStay);
        var before = moved.Parameters().ToList();
        var values = before.Select(p => p.ToArray<float>()).ToList();
        // A move that changes the tensors' storage (to float64 and back: exact), so that keeping
        // the parameter objects is something Module.To has to do.
        moved.To(Device.CPU, DType.Float64);
        Assert.All(moved.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        moved.To(Device.CPU, DType.Float32);
        var after = moved.Parameters().ToList();
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Same(before[i], after[i]);
            Assert.True(after[i].IsLeaf && after[i].RequiresGrad);
            Assert.Equal(values[i], after[i].ToArray<float>());
        }
        for (int step = 0; step < 3; step++)
        {
            TrainStep(moved, x, optimizerMoved);
            TrainStep(stay, x, optimizerStay);
        }
        var trained = moved.Parameters().Select(p => p.ToArray<float>()).ToList();
        Assert.NotEqual(values[0], trained[0]);
        Assert.Equal(stay.Parameters().Select(p => p.ToArray<float>()).ToList(), trained);
        x.Dispose();
    }

    [Fact]
    public void ModuleToCarriesGradientsAndLoadedOptimizerStateFollowsTheParameter()
    {
        var (model, x) = Twin(6);
        using var m = model;
        using var optimizer = new AdamW(model.Parameters(), 1e-2);
        TrainStep(model, x, optimizer);
        var state = optimizer.StateDict();
        model.To(Device.CPU, DType.Float64);
        Assert.Equal(DType.Float64, model.Weight.Grad!.DType);
        using var reloaded = new AdamW(model.Parameters(), 1e-2);
        reloaded.LoadStateDict(state);
        var loaded = reloaded.StateDict();
        Assert.Equal(DType.Float64, loaded["0.exp_avg"].DType);
        Assert.Equal(model.Weight.Device, loaded["0.exp_avg_sq"].Device);
        Assert.Equal(DType.Int64, loaded["0.step"].DType);
        Assert.Equal(state["0.exp_avg"].ToArray<float>().Select(v => (double)v), loaded["0.exp_avg"].ToArray<double>());
        foreach (var t in state.Values.Concat(loaded.Values)) t.Dispose();
        x.Dispose();
    }
}
