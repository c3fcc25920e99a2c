using Ham.Torch;

namespace Ham.Experiments.Tsne;

/// <summary>Where t-SNE's 2-D points start: `pca` or `random`.</summary>
public enum TsneInit
{
    Pca,
    Random,
}

/// <summary>
/// The starting embedding, as scikit-learn's TSNE makes it: `random` draws y_i ~ N(0, (1e-4)^2 I)
/// from a seeded generator; `pca` projects the centred features on their two leading principal
/// axes (each axis signed so that its largest-magnitude coordinate is positive, as scikit-learn's
/// svd_flip) and rescales so that the first coordinate has standard deviation 1e-4 (Kobak &amp;
/// Berens 2019, scikit-learn issue 18018). PCA here is exact (an eigendecomposition of X_c^T X_c
/// in float64) where scikit-learn uses a randomized SVD.
/// </summary>
public static class TsneInitialization
{
    public const double Scale = 1e-4;

    /// <summary>An (N, 2) float64 embedding; the caller owns it.</summary>
    public static Tensor Create(Tensor features, TsneInit init, ulong seed) => init switch
    {
        TsneInit.Random => Random(features.Size(0), seed),
        _ => Pca(features),
    };

    static Tensor Random(long n, ulong seed)
    {
        using var generator = new Generator(seed);
        return Ham.Torch.Random.Normal([n, 2], generator, DType.Float64).Mul_(Scale);
    }

    static Tensor Pca(Tensor features)
    {
        using var scope = new DisposeScope();
        var x = features.To(DType.Float64);
        var centred = x - x.Mean([0L], keepDim: true);
        if (x.Size(1) < 2) throw new ArgumentException($"features: init `pca` needs at least 2 feature dimensions, got {x.Size(1)}; use init `random`");
        var (_, vectors) = Linalg.Eigh(Functional.Mm(centred.T, centred));   // eigenvalues ascending
        long d = vectors.Size(1);
        var axes = vectors.Narrow(1, d - 2, 2).Flip(1);                     // the two largest first
        var projected = Functional.Mm(centred, axes);
        var signs = new double[2];
        var values = projected.Contiguous().ToArray<double>();
        for (int c = 0; c < 2; c++)
        {
            double largest = 0;
            for (int i = c; i < values.Length; i += 2)
                if (Math.Abs(values[i]) > Math.Abs(largest)) largest = values[i];
            signs[c] = largest < 0 ? -1 : 1;
        }
        double std = projected.Select(1, 0).Std(correction: 0).Item();
        if (!(std > 0)) throw new ArgumentException("features: every point is the same along the first principal axis, so `pca` cannot start t-SNE; use init `random`");
        var embedding = projected.Mul(Tensor.FromArray(signs, 1, 2)).Mul_(Scale / std).Contiguous();
        return scope.MoveToOuter(embedding);
    }
}
