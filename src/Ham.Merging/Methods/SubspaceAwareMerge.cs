using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `score` (Chaves et al., "Bridging Domains through Subspace-Aware Model Merging"): for each 2-D
/// weight (except text_projection), the T task vectors' top k = int(r / T) singular vectors are
/// concatenated into U_cat and V_cat and orthogonalized (polar factor); each v_i is projected to
/// its core C_i = U^T v_i V^T; a core keeps its diagonal and the off-diagonal entries o with
/// |o - mean| &lt;= 1.96 * std / T (mean and std over the whole core with the diagonal zeroed);
/// the merged update U (sum_i trimmed C_i) V is added as theta0 + alpha * update (alpha default 1).
/// Every other tensor is the models' mean.
/// </summary>
sealed class SubspaceAwareMerge(MergeOptions options) : MergeMethod
{
    public override string Name => "score";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["alpha"] = SharedParameters.UpdateScale.Describe(options, SharedParameters.UpdateScale.Of(options)) };

    public override void Prepare(MergeInputs inputs) => inputs.RequireBase(Name);

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        if (!Subspaces.IsMatrix(inputs, name)) return Average.WeightedSum(inputs.ReadModels(name), Average.Normalized(null, inputs.Models.Count));
        var deltas = inputs.ReadDeltas(name);
        var (uCat, _, vhCat) = Subspaces.LeadingConcatenated(deltas);
        var u = Subspaces.Polar(uCat);
        var vh = Subspaces.Polar(vhCat);
        Tensor? coreSum = null;
        foreach (var v in deltas)
        {
            var core = Functional.MatMul(Functional.MatMul(u.T, v), vh.T);
            var diagonal = core.Diagonal().DiagEmbed();
            var offDiagonal = core - diagonal;
            double mean = offDiagonal.Mean().Item(), std = offDiagonal.Std().Item();
            var keep = (offDiagonal - mean).Abs().Le(1.96 * std / deltas.Length).To(core.DType);
            var trimmed = diagonal + offDiagonal * keep;
            coreSum = coreSum is null ? trimmed : coreSum + trimmed;
        }
        return inputs.ReadBase(name) + Functional.MatMul(Functional.MatMul(u, coreSum!), vh) * SharedParameters.UpdateScale.Of(options.For(name));
    }
}
