using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// OPA's printed form against the other sources only (issue 15): with
/// v_bar_{-i}^l = (1/(N_S - 1)) sum_{j != i} v_j^l, detached,
///   L_sign,i = (1/N_L) sum_l max(0, -&lt;v_i^l, v_bar_{-i}^l&gt;).
/// Reading: without its own |v_i|^2 in the consensus, a tensor's hinge opens as soon as source i's
/// update on it points away from the others' mean (cosine below 0 rather than below about -1/2).
/// The active fraction is the share of the N_L tensors whose hinge is open. Needs two sources.
/// </summary>
public sealed class LeaveOneOutSignAlignment : SignAlignmentLoss
{
    Tensor[]? parameterSum;
    int sources;

    /// <summary>Keeps sum_j theta_j^l, one tensor per parameter, rather than one consensus per source.</summary>
    public override void BeginStep(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial)
    {
        CheckSources(sourceParameters, initial);
        if (sourceParameters.Count < 2)
            throw new ArgumentException($"opa leave-one-out compares each source with the others and needs at least two sources, got {sourceParameters.Count}");
        sources = sourceParameters.Count;
        using (LibTorch.NoGrad())
            parameterSum = Enumerable.Range(0, initial.Count).Select(l => ParameterSum(sourceParameters, l)).ToArray();
    }

    /// <summary>
    /// Against v_bar_{-i}^l = (sum_j theta_j^l - theta_i^l) / (N_S - 1) - theta_0^l, with theta_i the
    /// given parameters detached: exact because source i has not moved since the step's start.
    /// </summary>
    public override SignAlignmentTerm Compute(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial)
    {
        CheckCounts(parameters, initial, parameterSum?.Length);
        return LayerDotSignAlignment.Hinges(parameters, initial, l =>
        {
            using var noGrad = LibTorch.NoGrad();
            return (parameterSum![l] - parameters[l]) / (sources - 1) - initial[l];
        });
    }
}
