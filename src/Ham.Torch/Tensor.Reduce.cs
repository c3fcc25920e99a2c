using Ham.Torch.Native;

namespace Ham.Torch;

// Reductions, sorting and selection. An empty dims list reduces over every dimension.
public sealed unsafe partial class Tensor
{
    public Tensor Sum(DType? dtype = null) => Sum([], false, dtype);

    public Tensor Sum(long[] dims, bool keepDim = false, DType? dtype = null)
    {
        fixed (long* d = dims) return Wrap(Api.ham_sum(Handle, d, dims.Length, keepDim ? 1 : 0, dtype.HasValue ? (int)dtype.Value : -1, out var r), r);
    }

    public Tensor Sum(long dim, bool keepDim = false) => Sum([dim], keepDim);

    public Tensor Mean(params long[] dims) => Mean(dims, false);

    public Tensor Mean(long[] dims, bool keepDim)
    {
        fixed (long* d = dims) return Wrap(Api.ham_mean(Handle, d, dims.Length, keepDim ? 1 : 0, out var r), r);
    }

    public Tensor Prod() => Wrap(Api.ham_prod(Handle, out var r), r);

    /// <summary>Variance with Bessel's correction by default (torch.var's correction=1).</summary>
    public Tensor Var(long[]? dims = null, long correction = 1, bool keepDim = false)
    {
        dims ??= [];
        fixed (long* d = dims) return Wrap(Api.ham_var(Handle, d, dims.Length, correction, keepDim ? 1 : 0, out var r), r);
    }

    public Tensor Std(long[]? dims = null, long correction = 1, bool keepDim = false)
    {
        dims ??= [];
        fixed (long* d = dims) return Wrap(Api.ham_std(Handle, d, dims.Length, correction, keepDim ? 1 : 0, out var r), r);
    }

    /// <summary>p-norm over dims (all by default).</summary>
    public Tensor Norm(double p = 2, long[]? dims = null, bool keepDim = false)
    {
        dims ??= [];
        fixed (long* d = dims) return Wrap(Api.ham_norm(Handle, p, d, dims.Length, keepDim ? 1 : 0, out var r), r);
    }

    public Tensor LogSumExp(long dim, bool keepDim = false) => Wrap(Api.ham_logsumexp(Handle, dim, keepDim ? 1 : 0, out var r), r);

    public Tensor Max() => Wrap(Api.ham_max_all(Handle, out var r), r);
    public Tensor Min() => Wrap(Api.ham_min_all(Handle, out var r), r);
    public Tensor Any() => Wrap(Api.ham_any(Handle, out var r), r);
    public Tensor All() => Wrap(Api.ham_all(Handle, out var r), r);

    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        Api.Check(Api.ham_max_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false)
    {
        Api.Check(Api.ham_min_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Index of the largest entry along dim, or in the flattened tensor when dim is null.</summary>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) =>
        Wrap(Api.ham_argmax(Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepDim ? 1 : 0, out var r), r);

    public Tensor ArgMin(long? dim = null, bool keepDim = false) =>
        Wrap(Api.ham_argmin(Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepDim ? 1 : 0, out var r), r);

    public Tensor CumSum(long dim) => Wrap(Api.ham_cumsum(Handle, dim, out var r), r);

    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false)
    {
        Api.Check(Api.ham_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public Tensor ArgSort(long dim = -1, bool descending = false) => Wrap(Api.ham_argsort(Handle, dim, descending ? 1 : 0, out var r), r);

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        Api.Check(Api.ham_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>The k-th smallest entry along dim, k 1-based (torch.kthvalue).</summary>
    public (Tensor Values, Tensor Indices) KthValue(long k, long dim = -1, bool keepDim = false)
    {
        Api.Check(Api.ham_kthvalue(Handle, k, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>torch.quantile; interpolation is linear, lower, higher, midpoint or nearest.</summary>
    public Tensor Quantile(double q, long? dim = null, bool keepDim = false, string interpolation = "linear") =>
        Wrap(Api.ham_quantile(Handle, q, dim ?? 0, dim.HasValue ? 1 : 0, keepDim ? 1 : 0, interpolation, out var r), r);

    public Tensor NonZero() => Wrap(Api.ham_nonzero(Handle, out var r), r);
    public Tensor CountNonZero() => Wrap(Api.ham_count_nonzero(Handle, out var r), r);
}
