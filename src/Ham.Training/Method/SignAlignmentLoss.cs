using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// OPA, HAM's optimization conflict-aware parameter alignment (HAM section 3.3). With
/// v_i^l = theta_i^l - theta_0^l the update of source i on parameter tensor l and
/// v_bar^l = (1/N_S) sum_j v_j^l its detached mean over sources at this step,
///   L_sign,i = (1/N_L) sum_l max(0, -&lt;v_i^l, v_bar^l&gt;),
/// which pushes each source's update to agree in direction with the consensus, tensor by tensor.
/// </summary>
public static class SignAlignmentLoss
{
    /// <summary>The detached mean update v_bar^l over sources, one tensor per parameter.</summary>
    public static Tensor[] MeanUpdate(IReadOnlyList<IReadOnlyList<Tensor>> sourceParameters, IReadOnlyList<Tensor> initial)
    {
        int n = sourceParameters.Count;
        if (n == 0) throw new ArgumentException("sign alignment needs at least one source");
        var mean = new Tensor[initial.Count];
        using (LibTorch.NoGrad())
        {
            for (int l = 0; l < initial.Count; l++)
            {
                using var scope = new DisposeScope();
                var sum = sourceParameters[0][l].Detach().Clone();
                for (int i = 1; i < n; i++) sum.Add_(sourceParameters[i][l]);
                // v_bar = mean_i theta_i - theta_0
                var update = sum / n - initial[l];
                mean[l] = scope.MoveToOuter(update);
            }
        }
        return mean;
    }

    /// <summary>L_sign for one source: differentiable in <paramref name="parameters"/>.</summary>
    public static Tensor Compute(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> initial, IReadOnlyList<Tensor> meanUpdate)
    {
        if (parameters.Count != initial.Count || parameters.Count != meanUpdate.Count)
            throw new ArgumentException($"sign alignment: {parameters.Count} parameters, {initial.Count} initial, {meanUpdate.Count} mean updates");
        using var scope = new DisposeScope();
        Tensor? total = null;
        for (int l = 0; l < parameters.Count; l++)
        {
            var update = parameters[l] - initial[l];
            var inner = (update * meanUpdate[l]).Sum();
            var hinge = (-inner).Relu();
            total = total is null ? hinge : total + hinge;
        }
        var loss = total! / parameters.Count;
        return scope.MoveToOuter(loss);
    }
}
