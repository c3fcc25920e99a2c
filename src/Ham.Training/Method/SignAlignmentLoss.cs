using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// OPA, HAM's optimization conflict-aware parameter alignment (HAM section 3.3): each source's
/// update v_i^l = theta_i^l - theta_0^l on parameter tensor l is pushed towards a detached
/// consensus c^l made from every source's parameters at the start of the step, by
///   Loss_i = CE_i + lambda L_sign,i.
/// The paper prints L_sign,i = (1/N_L) sum_l max(0, -&lt;v_i^l, v_bar^l&gt;) (its equation 5), and
/// describes a loss that acts where v_i and v_bar have opposite signs; the forms below are the
/// printed equation and the two readings of it that act (README, "OPA").
/// </summary>
public abstract class SignAlignmentLoss
{
    /// <summary>The forms by the name the `opa` hyperparameter takes.</summary>
    public static readonly IReadOnlyList<string> Forms = ["layer-dot", "elementwise", "leave-one-out"];

    public static SignAlignmentLoss Create(string form) => form switch
    {
        "layer-dot" => new LayerDotSignAlignment(),
        "elementwise" => new ElementwiseSignAlignment(),
        "leave-one-out" => new LeaveOneOutSignAlignment(),
        _ => throw new ArgumentException($"opa: unknown sign-alignment form '{form}' (expected one of {string.Join(", ", Forms)})"),
    };

    /// <summary>
    /// Takes the step's detached consensus from every source's parameters (in source order),
    /// before any of them moves. The tensors it keeps belong to the caller's scope: they live for
    /// the step.
    /// </summary>
    public abstract void BeginStep(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial);

    /// <summary>
    /// L_sign,i of the source whose <paramref name="parameters"/> are given, differentiable in them
    /// (they must still be those of the step's start, as in lockstep, where a source moves only in
    /// its own update), and the fraction of its hinges that are open. The caller's scope owns the loss.
    /// </summary>
    public abstract SignAlignmentTerm Compute(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial);

    /// <summary>The detached mean update v_bar^l = (1/N_S) sum_j theta_j^l - theta_0^l, one tensor per parameter, in the caller's scope.</summary>
    protected static Tensor[] MeanUpdate(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial)
    {
        CheckSources(sourceParameters, initial);
        var mean = new Tensor[initial.Count];
        using (LibTorch.NoGrad())
            for (int l = 0; l < initial.Count; l++)
            {
                using var scope = new DisposeScope();
                mean[l] = scope.MoveToOuter(ParameterSum(sourceParameters, l) / sourceParameters.Count - initial[l]);
            }
        return mean;
    }

    /// <summary>sum_j theta_j^l over the sources for tensor <paramref name="l"/>; call without grad. The caller's scope owns it.</summary>
    protected static Tensor ParameterSum(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, int l)
    {
        var sum = sourceParameters[0][l].Detach().Clone();
        for (int i = 1; i < sourceParameters.Count; i++) sum.Add_(sourceParameters[i][l]);
        return sum;
    }

    protected static void CheckSources(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial)
    {
        if (sourceParameters.Count == 0) throw new ArgumentException("sign alignment needs at least one source");
        foreach (var parameters in sourceParameters)
            if (parameters.Count != initial.Count)
                throw new ArgumentException($"sign alignment: a source has {parameters.Count} parameter tensors, theta_0 has {initial.Count}");
    }

    /// <summary>Refuses a Compute before BeginStep (<paramref name="consensusTensors"/> null) and mismatched tensor counts.</summary>
    protected static void CheckCounts(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial, int? consensusTensors)
    {
        if (consensusTensors is not { } count) throw new InvalidOperationException("sign alignment: Compute before BeginStep");
        if (parameters.Count != initial.Count || parameters.Count != count)
            throw new ArgumentException($"sign alignment: {parameters.Count} parameters, {initial.Count} initial, {count} consensus tensors");
    }
}

/// <summary>
/// One source's sign-alignment loss (a scalar, differentiable) and the fraction of its hinges
/// that are open (layers for the per-tensor forms, entries for the elementwise one): zero means
/// the term did nothing at this step.
/// </summary>
public readonly record struct SignAlignmentTerm(Tensor Loss, double ActiveFraction);
