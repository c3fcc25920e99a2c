using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>Matrix decompositions (torch.linalg).</summary>
public static class Linalg
{
    /// <summary>a = U diag(S) Vh; reduced unless <paramref name="fullMatrices"/>.</summary>
    public static (Tensor U, Tensor S, Tensor Vh) Svd(Tensor a, bool fullMatrices = false)
    {
        Api.Check(Api.ham_svd(a.Handle, fullMatrices ? 1 : 0, out var u, out var s, out var vh));
        return (new Tensor(u), new Tensor(s), new Tensor(vh));
    }

    /// <summary>mode: reduced, complete or r.</summary>
    public static (Tensor Q, Tensor R) Qr(Tensor a, string mode = "reduced")
    {
        Api.Check(Api.ham_qr(a.Handle, mode, out var q, out var r));
        return (new Tensor(q), new Tensor(r));
    }

    /// <summary>Eigenvalues (ascending) and eigenvectors of a symmetric matrix.</summary>
    public static (Tensor Values, Tensor Vectors) Eigh(Tensor a)
    {
        Api.Check(Api.ham_eigh(a.Handle, out var v, out var w));
        return (new Tensor(v), new Tensor(w));
    }

    public static Tensor Inverse(Tensor a) => Tensor.Wrap(Api.ham_inverse(a.Handle, out var r), r);
}
