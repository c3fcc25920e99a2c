using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `tsv`, TSV-Merge (Gargiulo et al., CVPR 2025, "Task Singular Vectors: Reducing Task
/// Interference in Model Merging"): for each 2-D weight, the top k = int(r / T) singular triplets
/// of every task vector are concatenated (U_cat, S_cat, V_cat), U_cat and V_cat are replaced by
/// their polar factors to remove inter-task interference, and theta0 + alpha * U diag(S_cat) V
/// is the result (alpha default 1). Every other tensor is the models' mean.
/// </summary>
sealed class TaskSingularVectors(MergeOptions options) : MergeMethod
{
    public override string Name => "tsv";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["alpha"] = SharedParameters.UpdateScale.Describe(options, SharedParameters.UpdateScale.Of(options)) };

    public override void Prepare(MergeInputs inputs) => inputs.RequireBase(Name);

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        if (!Subspaces.IsMatrix(inputs, name)) return Average.WeightedSum(inputs.ReadModels(name), Average.Normalized(null, inputs.Models.Count));
        var (uCat, sCat, vhCat) = Subspaces.LeadingConcatenated(inputs.ReadDeltas(name));
        var update = Functional.MatMul(Subspaces.Polar(uCat) * sCat, Subspaces.Polar(vhCat));
        return inputs.ReadBase(name) + update * SharedParameters.UpdateScale.Of(options.For(name));
    }
}
