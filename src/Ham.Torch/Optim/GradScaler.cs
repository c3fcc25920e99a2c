using Ham.Torch.Native;

namespace Ham.Torch.Optim;

/// <summary>
/// Dynamic loss scaling for fp16 training (Micikevicius et al., "Mixed Precision Training",
/// ICLR 2018), with torch.cuda.amp.GradScaler's semantics. Each step:
///   Scale(loss).Backward();   gradients are S times the true ones, so small ones survive fp16;
///   Step(optimizer);          Unscale: g &lt;- g / S (in place), noting any inf or nan; the
///                             optimizer steps only if every gradient is finite;
///   Update();                 an inf or nan anywhere: S &lt;- S * backoff, else after
///                             growth_interval finite steps in a row: S &lt;- S * growth.
/// S starts at 2^16 and lives on the device of the first scaled loss. Several optimizers may share
/// one scaler (each steps or skips on its own gradients; Update backs off if any had an inf).
/// Call <see cref="Unscale"/> before <see cref="Step"/> to clip or read the true gradients.
/// </summary>
public sealed class GradScaler : IDisposable
{
    enum Stage { Ready, Unscaled, Stepped }

    /// <summary>One optimizer's progress through the step, and what unscaling found on each device.</summary>
    sealed class OptimizerStep
    {
        public Stage Stage = Stage.Ready;
        public readonly Dictionary<Device, Tensor> FoundInf = [];
    }

    double initScale;
    int initGrowthTracker;
    Tensor? scale, growthTracker;
    readonly Dictionary<Optimizer, OptimizerStep> steps = new(ReferenceEqualityComparer.Instance);

    public GradScaler(double initScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        if (!(initScale > 0) || double.IsInfinity(initScale)) throw new ArgumentOutOfRangeException(nameof(initScale), initScale, "the initial scale must be positive and finite");
        if (!(growthFactor > 1)) throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "the growth factor must be > 1");
        if (!(backoffFactor > 0 && backoffFactor < 1)) throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "the backoff factor must be in (0, 1)");
        if (growthInterval < 1) throw new ArgumentOutOfRangeException(nameof(growthInterval), growthInterval, "the growth interval must be >= 1");
        this.initScale = initScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    public double GrowthFactor { get; private set; }
    public double BackoffFactor { get; private set; }
    public int GrowthInterval { get; private set; }

    /// <summary>The current scale S (torch's get_scale(); reads the device's value).</summary>
    public double CurrentScale => scale?.Item() ?? initScale;

    /// <summary>Finite steps in a row since the scale last changed.</summary>
    public int GrowthTracker => growthTracker is null ? initGrowthTracker : (int)growthTracker.ItemLong();

    /// <summary>
    /// loss * S, a new tensor (owned by the current scope) to call Backward on. S is a one-element
    /// float32 tensor, so the product is float32 and shaped [1] even for a 0-dim fp16 loss (as
    /// PyTorch's): 2^16 times a loss above 1 would overflow fp16.
    /// </summary>
    public Tensor Scale(Tensor loss)
    {
        if (scale is null)
        {
            scale = Tensor.Full([1], initScale, DType.Float32, loss.Device).DetachFromScope();
            growthTracker = Tensor.Full([1], initGrowthTracker, DType.Int32, loss.Device).DetachFromScope();
        }
        using var onDevice = scale.To(loss.Device, nonBlocking: true);
        return loss * onDevice;
    }

    /// <summary>
    /// Divides the optimizer's gradients by S in place and notes whether any is inf or nan. At most
    /// once per optimizer between updates; <see cref="Step"/> does it when it was not done.
    /// </summary>
    public void Unscale(Optimizer optimizer)
    {
        var started = Started(nameof(Unscale));
        var step = StepOf(optimizer);
        if (step.Stage == Stage.Unscaled) throw new InvalidOperationException("GradScaler.Unscale was already called on this optimizer since the last Update.");
        if (step.Stage == Stage.Stepped) throw new InvalidOperationException("GradScaler.Unscale was called after Step; call Update first.");
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        // 1/S computed in float64 and rounded once to float32, as PyTorch's scale.double().reciprocal().float().
        var inverse = started.To(DType.Float64).Reciprocal().To(DType.Float32);
        var groups = new Dictionary<(Device Device, DType DType), List<Tensor>>();
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            var grad = optimizer.Parameters[i].Grad;
            if (grad is null) continue;
            if (grad.DType == DType.Float16)
                throw new InvalidOperationException($"parameter {i}'s gradient is float16: GradScaler unscales fp32 gradients (keep fp32 master weights; autocast lowers the precision inside the forward)");
            var key = (grad.Device, grad.DType);
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(grad);
        }
        foreach (var ((device, _), grads) in groups)
        {
            if (!step.FoundInf.TryGetValue(device, out var foundInf))
                step.FoundInf[device] = foundInf = Tensor.Zeros([1], DType.Float32, device).DetachFromScope();
            var inverseThere = inverse.To(device, nonBlocking: true);
            Unscale(grads, foundInf, inverseThere);
        }
        step.Stage = Stage.Unscaled;
    }

    static unsafe void Unscale(List<Tensor> grads, Tensor foundInf, Tensor inverseScale)
    {
        var handles = grads.Select(g => g.Handle).ToArray();
        fixed (IntPtr* h = handles) Api.Check(Api.ham_amp_unscale_(h, handles.Length, foundInf.Handle, inverseScale.Handle));
    }

    /// <summary>
    /// Unscales (unless <see cref="Unscale"/> was called) and runs optimizer.Step() if every
    /// gradient is finite. Returns whether it stepped.
    /// </summary>
    public bool Step(Optimizer optimizer)
    {
        Started(nameof(Step));
        var step = StepOf(optimizer);
        if (step.Stage == Stage.Stepped) throw new InvalidOperationException("GradScaler.Step was already called on this optimizer since the last Update.");
        if (step.Stage == Stage.Ready) Unscale(optimizer);
        if (step.FoundInf.Count == 0) throw new InvalidOperationException("GradScaler.Step: no parameter of this optimizer has a gradient (call Backward on the scaled loss first)");
        bool finite = step.FoundInf.Values.All(f => f.Item() == 0);
        if (finite) optimizer.Step();
        step.Stage = Stage.Stepped;
        return finite;
    }

    /// <summary>Updates S from what every optimizer's unscaling found since the last update (rule in the class summary).</summary>
    public void Update()
    {
        var started = Started(nameof(Update));
        var found = steps.Values.SelectMany(s => s.FoundInf.Values).ToList();
        if (found.Count == 0) throw new InvalidOperationException("GradScaler.Update: no gradients were unscaled since the last update (call Step first)");
        using (var scope = new DisposeScope())
        {
            var combined = found[0].To(started.Device).Clone();
            foreach (var f in found.Skip(1)) combined.Add_(f.To(started.Device));
            Api.Check(Api.ham_amp_update_scale_(started.Handle, growthTracker!.Handle, combined.Handle, GrowthFactor, BackoffFactor, GrowthInterval));
        }
        foreach (var f in found) f.Dispose();
        steps.Clear();
    }

    /// <summary>
    /// The scaler's state, for checkpoints (CPU copies the caller owns): "scale" (float32 [1]),
    /// "growth_tracker" (int32 [1]), "growth_factor", "backoff_factor" (float64), "growth_interval" (int64).
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        using var scope = new DisposeScope();
        var state = new Dictionary<string, Tensor>
        {
            ["scale"] = scale?.To(Device.CPU).Clone() ?? Tensor.Full([1], initScale, DType.Float32),
            ["growth_tracker"] = growthTracker?.To(Device.CPU).Clone() ?? Tensor.Full([1], initGrowthTracker, DType.Int32),
            ["growth_factor"] = Tensor.Scalar(GrowthFactor, DType.Float64),
            ["backoff_factor"] = Tensor.Scalar(BackoffFactor, DType.Float64),
            ["growth_interval"] = Tensor.Scalar(GrowthInterval, DType.Int64),
        };
        foreach (var t in state.Values) t.DetachFromScope();
        return state;
    }

    /// <summary>Restores a <see cref="StateDict"/>, factors included (as PyTorch's load_state_dict), for an exact resume.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        string[] keys = ["scale", "growth_tracker", "growth_factor", "backoff_factor", "growth_interval"];
        var missing = keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"GradScaler state is missing {string.Join(", ", missing)}");
        if (state["scale"].DType != DType.Float32 || state["scale"].NumEl != 1 || state["growth_tracker"].DType != DType.Int32 || state["growth_tracker"].NumEl != 1)
            throw new ArgumentException($"GradScaler state: expected a one-element float32 scale and int32 growth_tracker, got {state["scale"]} and {state["growth_tracker"]}");
        GrowthFactor = state["growth_factor"].Item();
        BackoffFactor = state["backoff_factor"].Item();
        GrowthInterval = checked((int)state["growth_interval"].ItemLong());
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        if (scale is null)
        {
            initScale = state["scale"].Item();
            initGrowthTracker = (int)state["growth_tracker"].ItemLong();
        }
        else
        {
            scale.Copy_(state["scale"].Reshape([1]));
            growthTracker!.Copy_(state["growth_tracker"].Reshape([1]));
        }
    }

    public void Dispose()
    {
        foreach (var f in steps.Values.SelectMany(s => s.FoundInf.Values)) f.Dispose();
        steps.Clear();
        scale?.Dispose();
        growthTracker?.Dispose();
    }

    Tensor Started(string method) =>
        scale ?? throw new InvalidOperationException($"GradScaler.{method} before any Scale(loss): scale the loss and call Backward on it first");

    OptimizerStep StepOf(Optimizer optimizer)
    {
        if (!steps.TryGetValue(optimizer, out var step)) steps[optimizer] = step = new OptimizerStep();
        return step;
    }
}
