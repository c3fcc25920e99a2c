using System.Numerics;
using Ham.Torch;

namespace Ham.Experiments.Tsne;

/// <summary>
/// The exact t-SNE objective in two dimensions (van der Maaten &amp; Hinton 2008, section 3):
/// w_ij = (1 + |y_i - y_j|^2)^-1 (a Student t with one degree of freedom), q_ij = w_ij / Z with
/// Z = sum_{k != l} w_kl, C = KL(P || Q) = sum_{i != j} p_ij log(p_ij / q_ij), and its gradient
/// (their equation 5) dC/dy_i = 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j). As scikit-learn's
/// <c>_kl_divergence</c>, q_ij is raised to at least machine epsilon, in the gradient and the
/// divergence alike, and P may be scaled by an exaggeration factor (early exaggeration).
/// <para>
/// One fused pass per row instead of a chain of (N, N) tensor operations: w is recomputed from
/// the 2-D points where it is needed, so the only (N, N) memory read is P, once per term. Each
/// row is summed by one thread in a fixed order, and the rows' sums of w are added in row order,
/// so the bits do not depend on the thread count.
/// </para>
/// </summary>
public static unsafe class KlObjective
{
    /// <summary>
    /// Writes dC/dY into <paramref name="gradient"/> ((N, 2) float64, contiguous) for the (N, 2)
    /// float64 embedding <paramref name="embedding"/> and (N, N) float64 <paramref name="p"/> (zero
    /// diagonal) scaled by <paramref name="exaggeration"/>; returns C when
    /// <paramref name="computeDivergence"/>, else NaN.
    /// </summary>
    public static double Evaluate(Tensor p, Tensor embedding, double exaggeration, Tensor gradient, bool computeDivergence)
    {
        int n = checked((int)embedding.Size(0));
        Check(p, [n, n], "P");
        Check(embedding, [n, 2], "embedding");
        Check(gradient, [n, 2], "gradient");
        var points = embedding.DataSpan<double>();
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++) (xs[i], ys[i]) = (points[2 * i], points[2 * i + 1]);

        var rowSums = new double[n];
        Parallel.For(0, n, i => rowSums[i] = KernelRowSum(xs, ys, i));
        double z = -n;                                  // the diagonal's w_ii = 1 are not in Z
        foreach (double s in rowSums) z += s;

        nint pAddress = p.DataAddress, gradientAddress = gradient.DataAddress;
        var divergence = new double[n];
        Parallel.For(0, n, i =>
        {
            double* row = (double*)pAddress + (long)i * n;
            var (gx, gy) = GradientRow(row, xs, ys, i, exaggeration, 1 / z);
            double* g = (double*)gradientAddress + 2L * i;
            g[0] = 4 * gx;
            g[1] = 4 * gy;
            if (computeDivergence) divergence[i] = DivergenceRow(row, xs, ys, i, exaggeration, 1 / z);
        });
        if (!computeDivergence) return double.NaN;
        double total = 0;
        foreach (double d in divergence) total += d;
        return total;
    }

    static void Check(Tensor t, long[] shape, string name)
    {
        if (t.DType != DType.Float64 || !t.Shape.SequenceEqual(shape) || !t.IsContiguous || t.Device != Device.CPU)
            throw new ArgumentException($"{name}: expected a contiguous CPU float64 tensor of shape [{string.Join(", ", shape)}], got {t}");
    }

    /// <summary>sum_j (1 + |y_i - y_j|^2)^-1 over every j, the diagonal's 1 included.</summary>
    static double KernelRowSum(double[] xs, double[] ys, int i)
    {
        int n = xs.Length, width = Vector<double>.Count, j = 0;
        var xi = new Vector<double>(xs[i]);
        var yi = new Vector<double>(ys[i]);
        var sum = Vector<double>.Zero;
        for (; j <= n - width; j += width)
        {
            var dx = xi - new Vector<double>(xs, j);
            var dy = yi - new Vector<double>(ys, j);
            sum += Vector<double>.One / (Vector<double>.One + dx * dx + dy * dy);
        }
        double total = Vector.Sum(sum);
        for (; j < n; j++)
        {
            double dx = xs[i] - xs[j], dy = ys[i] - ys[j];
            total += 1 / (1 + dx * dx + dy * dy);
        }
        return total;
    }

    /// <summary>sum_j (e p_ij - max(w_ij / Z, eps)) w_ij (y_i - y_j), both coordinates; j = i adds nothing (y_i - y_i = 0).</summary>
    static (double X, double Y) GradientRow(double* p, double[] xs, double[] ys, int i, double exaggeration, double inverseZ)
    {
        int n = xs.Length, width = Vector<double>.Count, j = 0;
        var xi = new Vector<double>(xs[i]);
        var yi = new Vector<double>(ys[i]);
        var scale = new Vector<double>(exaggeration);
        var inverse = new Vector<double>(inverseZ);
        var epsilon = new Vector<double>(JointProbabilities.MachineEpsilon);
        Vector<double> gx = Vector<double>.Zero, gy = Vector<double>.Zero;
        for (; j <= n - width; j += width)
        {
            var dx = xi - new Vector<double>(xs, j);
            var dy = yi - new Vector<double>(ys, j);
            var w = Vector<double>.One / (Vector<double>.One + dx * dx + dy * dy);
            var q = Vector.Max(w * inverse, epsilon);
            var force = (scale * Vector.Load(p + j) - q) * w;
            gx += force * dx;
            gy += force * dy;
        }
        double sx = Vector.Sum(gx), sy = Vector.Sum(gy);
        for (; j < n; j++)
        {
            double dx = xs[i] - xs[j], dy = ys[i] - ys[j];
            double w = 1 / (1 + dx * dx + dy * dy);
            double force = (exaggeration * p[j] - Math.Max(w * inverseZ, JointProbabilities.MachineEpsilon)) * w;
            sx += force * dx;
            sy += force * dy;
        }
        return (sx, sy);
    }

    /// <summary>sum_{j != i} e p_ij log(max(e p_ij, eps) / max(q_ij, eps)); the diagonal's p_ii = 0 adds nothing.</summary>
    static double DivergenceRow(double* p, double[] xs, double[] ys, int i, double exaggeration, double inverseZ)
    {
        double total = 0, eps = JointProbabilities.MachineEpsilon;
        for (int j = 0; j < xs.Length; j++)
        {
            if (j == i) continue;
            double dx = xs[i] - xs[j], dy = ys[i] - ys[j];
            double q = Math.Max(1 / (1 + dx * dx + dy * dy) * inverseZ, eps);
            double pij = exaggeration * p[j];
            total += pij * Math.Log(Math.Max(pij, eps) / q);
        }
        return total;
    }
}
