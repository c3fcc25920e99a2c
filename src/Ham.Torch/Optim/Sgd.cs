namespace Ham.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with torch.optim.SGD's semantics:
///   g &lt;- g + wd p;  b &lt;- g at the first step, else mu b + (1 - dampening) g;
///   g &lt;- g + mu b (Nesterov) or b;  p &lt;- p - lr g.
/// </summary>
public sealed class Sgd : Optimizer
{
    readonly double momentum, dampening, weightDecay;
    readonly bool nesterov;
    readonly Tensor?[] buffers;

    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false) : base(parameters, learningRate)
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening 0");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        buffers = new Tensor?[Parameters.Count];
    }

    public override void Step()
    {
        using var noGrad = LibTorch.NoGrad();
        for (int i = 0; i < Parameters.Count; i++)
        {
            using var scope = new DisposeScope();
            var p = Parameters[i];
            var g = p.Grad;
            if (g is null) continue;
            if (weightDecay != 0) g = g + p * weightDecay;
            if (momentum != 0)
            {
                if (buffers[i] is null) buffers[i] = g.Clone().DetachFromScope();
                else buffers[i]!.Mul_(momentum).Add_(g, 1 - dampening);
                g = nesterov ? g + buffers[i]! * momentum : buffers[i]!;
            }
            p.Add_(g, -LearningRate);
        }
    }

    public override Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        for (int i = 0; i < Parameters.Count; i++)
            if (buffers[i] is not null) state[$"{i}.momentum_buffer"] = buffers[i]!.Clone().DetachFromScope();
        return state;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (!state.TryGetValue($"{i}.momentum_buffer", out var b)) continue;
            buffers[i]?.Dispose();
            buffers[i] = StateFor(b, Parameters[i]);
        }
    }

    public override void Dispose()
    {
        foreach (var t in buffers) t?.Dispose();
    }
}
