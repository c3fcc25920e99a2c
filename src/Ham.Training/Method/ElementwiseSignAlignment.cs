using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// OPA read per entry (issue 15): with v_bar^l the detached mean update over all sources and n_l
/// the entries of tensor l,
///   L_sign,i = (1/N_L) sum_l (1/n_l) sum_k max(0, -v_i^l[k] v_bar^l[k]).
/// Reading: the hinge opens at every entry whose sign disagrees with the mean update's, the
/// per-entry sign conflicts TIES-style merging resolves by election, which is the loss HAM's text
/// describes ("activates when v_i and v_bar exhibit opposing signs"). It is zero exactly when every
/// entry of v_i agrees in sign with v_bar (or one of them is zero there); its gradient at an open
/// entry is -v_bar^l[k] / (N_L n_l). The active fraction is the share of all entries, over every
/// tensor, whose hinge is open.
/// </summary>
public sealed class ElementwiseSignAlignment : SignAlignmentLoss
{
    Tensor[]? meanUpdate;

    public override void BeginStep(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial) =>
        meanUpdate = MeanUpdate(sourceParameters, initial);

    public override SignAlignmentTerm Compute(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial)
    {
        CheckCounts(parameters, initial, meanUpdate?.Length);
        using var scope = new DisposeScope();
        Tensor? total = null;
        var open = new Tensor[parameters.Count];
        long entries = 0;
        for (int l = 0; l < parameters.Count; l++)
        {
            var update = parameters[l] - initial[l];
            var hinge = (-(update * meanUpdate![l])).Relu();
            var term = hinge.Mean();
            total = total is null ? term : total + term;
            open[l] = hinge.Gt(0).Sum();
            entries += hinge.NumEl;
        }
        var loss = total! / parameters.Count;
        double opened = Tensor.Stack(open).Sum().Item();
        return new SignAlignmentTerm(scope.MoveToOuter(loss), opened / entries);
    }
}
