using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `iso-c`, Iso-C (Marczak et al., ICML 2025, "No Task Left Behind: Isotropic Model Merging with
/// Common and Task-Specific Subspaces"): for each 2-D weight, the task-arithmetic sum
/// M = sum_i v_i = U S V^T gets a flat spectrum, every singular value replaced by their mean:
/// theta0 + alpha * mean(S) * U V^T (alpha default 1). Every other tensor is the models' mean.
/// </summary>
sealed class IsotropicMerge(MergeOptions options) : MergeMethod
{
    public override string Name => "iso-c";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["alpha"] = SharedParameters.UpdateScale.Describe(options, SharedParameters.UpdateScale.Of(options)) };

    public override void Prepare(MergeInputs inputs) => inputs.RequireBase(Name);

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        if (!Subspaces.IsMatrix(inputs, name)) return Average.WeightedSum(inputs.ReadModels(name), Average.Normalized(null, inputs.Models.Count));
        var deltas = inputs.ReadDeltas(name);
        var sum = Average.WeightedSum(deltas, Enumerable.Repeat(1.0, deltas.Length).ToArray());
        var (u, s, vh) = Linalg.Svd(sum);
        return inputs.ReadBase(name) + Functional.MatMul(u, vh) * (s.Mean().Item() * SharedParameters.UpdateScale.Of(options.For(name)));
    }
}
