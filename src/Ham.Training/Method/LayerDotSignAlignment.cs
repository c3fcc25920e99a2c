using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// OPA as HAM prints it (equation 5): with v_bar^l = (1/N_S) sum_j v_j^l the detached mean update
/// over all sources,
///   L_sign,i = (1/N_L) sum_l max(0, -&lt;v_i^l, v_bar^l&gt;).
/// Reading: a tensor's hinge opens only when source i's whole update on it points away from the
/// consensus. Since &lt;v_i, v_bar&gt; = (|v_i|^2 + sum_{j != i} &lt;v_i, v_j&gt;) / N_S, the own term keeps it
/// closed unless v_i is strongly anti-aligned with the others (three sources of equal norm: mean
/// cosine below -1/2), which models fine-tuned from one start almost never are; on `ham demo`'s
/// data it never opened (README, "OPA"). The active fraction is the share of the N_L tensors whose
/// hinge is open.
/// </summary>
public sealed class LayerDotSignAlignment : SignAlignmentLoss
{
    Tensor[]? meanUpdate;

    public override void BeginStep(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial) =>
        meanUpdate = MeanUpdate(sourceParameters, initial);

    public override SignAlignmentTerm Compute(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial)
    {
        CheckCounts(parameters, initial, meanUpdate?.Length);
        return Hinges(parameters, initial, l => meanUpdate![l]);
    }

    /// <summary>
    /// (1/N_L) sum_l max(0, -&lt;theta^l - theta_0^l, c^l&gt;) against the detached consensus
    /// <paramref name="consensus"/>(l), and the share of open hinges. The caller's scope owns the loss.
    /// </summary>
    internal static SignAlignmentTerm Hinges(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial, Func<int, Tensor> consensus)
    {
        using var scope = new DisposeScope();
        Tensor? total = null;
        var hinges = new Tensor[parameters.Count];
        for (int l = 0; l < parameters.Count; l++)
        {
            var update = parameters[l] - initial[l];
            var inner = (update * consensus(l)).Sum();
            hinges[l] = (-inner).Relu();
            total = total is null ? hinges[l] : total + hinges[l];
        }
        var loss = total! / parameters.Count;
        double open = Tensor.Stack(hinges).Gt(0).Sum().Item();
        return new SignAlignmentTerm(scope.MoveToOuter(loss), open / parameters.Count);
    }
}
