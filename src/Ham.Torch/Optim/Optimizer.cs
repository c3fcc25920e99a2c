namespace Ham.Torch.Optim;

/// <summary>
/// An optimizer over a fixed list of parameters with a learning rate that a schedule may set
/// each step. Its state (moments, step counts) can be saved and restored for exact resume; each
/// parameter's state lives on that parameter's device, whether made by a step or loaded.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("optimizer got no parameters");
        LearningRate = learningRate;
    }

    public IReadOnlyList<Tensor> Parameters { get; }
    public double LearningRate { get; set; }

    /// <summary>One update from the parameters' current .grad (parameters without one are skipped).</summary>
    public abstract void Step();

    /// <summary>Sets every .grad to none, as PyTorch 2's zero_grad(set_to_none=True).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Grad = null;
    }

    /// <summary>Optimizer state by name ("{index}.{kind}"), for checkpoints; copies.</summary>
    public abstract Dictionary<string, Tensor> StateDict();

    public abstract void LoadStateDict(IReadOnlyDictionary<string, Tensor> state);

    /// <summary>
    /// A copy of saved state for one parameter, placed as state made by a step would be: on the
    /// parameter's device and, when floating point, in its dtype (as torch.optim's load_state_dict).
    /// The optimizer owns it.
    /// </summary>
    protected static Tensor StateFor(Tensor saved, Tensor parameter)
    {
        using var scope = new DisposeScope();
        var dtype = saved.DType.IsFloatingPoint() ? parameter.DType : saved.DType;
        return saved.To(parameter.Device, dtype).Clone().DetachFromScope();
    }

    public abstract void Dispose();

    /// <summary>Global L2 norm of all gradients, then scales them so it is at most maxNorm
    /// (torch.nn.utils.clip_grad_norm_: coefficient maxNorm / (norm + 1e-6), clamped to 1).</summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var grads = parameters.Select(p => p.Grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var norms = Tensor.Stack(grads.Select(g => g.Norm(2)).ToList());
        double total = norms.Norm(2).Item();
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1)
            foreach (var g in grads) g.Mul_(coefficient);
        return total;
    }
}
