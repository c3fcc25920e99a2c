using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// What the SVD-based merges (score, tsv, iso-c) share: which tensors they treat as matrices,
/// the per-model top-k singular bases, and the polar factor that orthogonalizes a concatenation.
/// </summary>
static class Subspaces
{
    /// <summary>2-D weights except CLIP's text_projection; every other tensor is averaged.</summary>
    public static bool IsMatrix(MergeInputs inputs, string name) =>
        inputs.Reference.Describe(name).Shape.Length == 2 && !name.EndsWith("text_projection");

    /// <summary>The closest matrix with orthonormal columns (or rows): U Vh of a = U S Vh.</summary>
    public static Tensor Polar(Tensor a)
    {
        using var scope = new DisposeScope();
        var (u, _, vh) = Linalg.Svd(a);
        return scope.MoveToOuter(Functional.MatMul(u, vh));
    }

    /// <summary>
    /// k = max(1, int(r / T)) leading singular triplets of each task vector (r = min(m, n)),
    /// concatenated: U_cat (m x kT), S_cat (kT), Vh_cat (kT x n).
    /// </summary>
    public static (Tensor U, Tensor S, Tensor Vh) LeadingConcatenated(Tensor[] deltas)
    {
        using var scope = new DisposeScope();
        long r = Math.Min(deltas[0].Size(0), deltas[0].Size(1));
        long k = Math.Max(1, r / deltas.Length);
        var parts = deltas.Select(v => Linalg.Svd(v)).ToArray();
        var u = Tensor.Cat(parts.Select(p => p.U.Narrow(1, 0, k)).ToArray(), 1);
        var s = Tensor.Cat(parts.Select(p => p.S.Narrow(0, 0, k)).ToArray(), 0);
        var vh = Tensor.Cat(parts.Select(p => p.Vh.Narrow(0, 0, k)).ToArray(), 0);
        scope.MoveToOuter(u, s, vh);
        return (u, s, vh);
    }
}
