using Ham.Torch;

namespace Ham.Training.Losses;

/// <summary>
/// IRMv1's penalty (Arjovsky et al. 2019, "Invariant Risk Minimization", eq. IRMv1), as DomainBed's
/// <c>IRM._irm_penalty</c> computes it for one environment's batch: the squared gradient of the
/// risk with respect to a dummy classifier scale s at s = 1, estimated without bias as the product
/// of the gradients on the even and the odd halves of the batch,
///   P = g(z[0::2], y[0::2]) * g(z[1::2], y[1::2]),   g(z, y) = d/ds CE(s z, y) at s = 1.
/// g is taken in closed form rather than by a second autograd pass: with p_n = softmax(z_n),
///   CE(s z, y) = mean_n (log sum_k exp(s z_nk) - s z_n,y_n)  so
///   g(z, y) = mean_n (sum_k p_nk z_nk - z_n,y_n),
/// the same function DomainBed differentiates with create_graph=True, built from first-order ops
/// only, so P trains by one ordinary backward pass on any device or precision.
/// </summary>
public static class IrmPenalty
{
    /// <summary>
    /// P for logits (N, C) and int64 labels (N), N >= 2; differentiable in <paramref name="logits"/>.
    /// Returns a scalar tensor the caller owns (in the caller's scope).
    /// </summary>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        long n = LossInputs.RequireLogitsAndLabels("IRM penalty", logits, labels);
        if (n < 2) throw new ArgumentException($"IRM penalty: logits need at least 2 rows (one per half of the batch), got {n}");
        using var scope = new DisposeScope();
        var even = ScaleGradient(logits.Slice(0, 0, n, 2), labels.Slice(0, 0, n, 2));
        var odd = ScaleGradient(logits.Slice(0, 1, n, 2), labels.Slice(0, 1, n, 2));
        return scope.MoveToOuter(even * odd);
    }

    /// <summary>g(z, y) = mean_n (sum_k softmax(z_n)_k z_nk - z_n,y_n): dCE(s z, y)/ds at s = 1.</summary>
    static Tensor ScaleGradient(Tensor logits, Tensor labels)
    {
        var expectedLogit = (Functional.Softmax(logits, -1) * logits).Sum(-1);
        var labelLogit = logits.Gather(1, labels.Unsqueeze(1)).Squeeze(1);
        return (expectedLogit - labelLogit).Mean();
    }
}
