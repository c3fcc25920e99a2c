namespace Ham.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), with
/// torch.optim.AdamW's single-tensor update:
///   p &lt;- p (1 - lr wd);  m &lt;- b1 m + (1 - b1) g;  v &lt;- b2 v + (1 - b2) g^2;
///   p &lt;- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// </summary>
public sealed class AdamW : Optimizer
{
    readonly double beta1, beta2, eps;
    readonly Tensor?[] expAvg, expAvgSq;
    readonly long[] steps;

    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double weightDecay = 1e-2,
        double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) : base(parameters, learningRate)
    {
        WeightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        expAvg = new Tensor?[Parameters.Count];
        expAvgSq = new Tensor?[Parameters.Count];
        steps = new long[Parameters.Count];
    }

    public double WeightDecay { get; }

    public override void Step()
    {
        using var noGrad = LibTorch.NoGrad();
        for (int i = 0; i < Parameters.Count; i++)
        {
            using var scope = new DisposeScope();
            var p = Parameters[i];
            var g = p.Grad;
            if (g is null) continue;
            expAvg[i] ??= p.ZerosLike().DetachFromScope();
            expAvgSq[i] ??= p.ZerosLike().DetachFromScope();
            long t = ++steps[i];
            p.Mul_(1 - LearningRate * WeightDecay);
            expAvg[i]!.Lerp_(g, 1 - beta1);
            expAvgSq[i]!.Mul_(beta2).AddCMul_(g, g, 1 - beta2);
            double biasCorrection1 = 1 - Math.Pow(beta1, t);
            double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
            var denominator = (expAvgSq[i]!.Sqrt() / biasCorrection2Sqrt).Add_(eps);
            p.AddCDiv_(expAvg[i]!, denominator, -LearningRate / biasCorrection1);
        }
    }

    public override Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (expAvg[i] is null) continue;
            state[$"{i}.step"] = Tensor.FromArray(new[] { steps[i] }, []).DetachFromScope();
            state[$"{i}.exp_avg"] = expAvg[i]!.Clone().DetachFromScope();
            state[$"{i}.exp_avg_sq"] = expAvgSq[i]!.Clone().DetachFromScope();
        }
        return state;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (!state.TryGetValue($"{i}.step", out var step)) continue;
            steps[i] = step.ItemLong();
            expAvg[i]?.Dispose();
            expAvgSq[i]?.Dispose();
            expAvg[i] = StateFor(state[$"{i}.exp_avg"], Parameters[i]);
            expAvgSq[i] = StateFor(state[$"{i}.exp_avg_sq"], Parameters[i]);
        }
    }

    public override void Dispose()
    {
        foreach (var t in expAvg.Concat(expAvgSq)) t?.Dispose();
    }
}
