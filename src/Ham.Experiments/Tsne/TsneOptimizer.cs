using Ham.Torch;

namespace Ham.Experiments.Tsne;

/// <summary>
/// Exact t-SNE (van der Maaten &amp; Hinton 2008) with scikit-learn's optimisation schedule
/// (sklearn/manifold/_t_sne.py, version 1.2, read and rewritten here): gradient descent with
/// momentum and per-coordinate gains (Jacobs 1988's delta-bar-delta: a gain grows by 0.2 where
/// the gradient's sign opposes the last update and shrinks by a factor 0.8 elsewhere, at least
/// 0.01), update = momentum * update - eta * gain * gradient. Two phases, each starting with zero
/// update and unit gains: 250 iterations at momentum 0.5 with P multiplied by 12 (early
/// exaggeration), then momentum 0.8 to the last iteration. eta = max(N / 12 / 4, 50)
/// (learning_rate "auto": Belkina et al. 2019, Kobak &amp; Berens 2019). Every 50 iterations the
/// divergence is computed: a phase stops when it has not improved for 250 (first phase) or 300
/// iterations, or when the gained gradient's norm is at most 1e-7.
/// </summary>
public static class TsneOptimizer
{
    public const int ExaggerationIterations = 250, CheckEvery = 50, IterationsWithoutProgress = 300;
    public const double EarlyExaggeration = 12, StartMomentum = 0.5, FinalMomentum = 0.8, MinGain = 0.01, MinGradientNorm = 1e-7;

    public static double LearningRate(long points) => Math.Max(points / EarlyExaggeration / 4, 50);

    /// <summary>
    /// The embedding of the rows of (N, D) <paramref name="features"/>; <paramref name="progress"/>
    /// hears (iteration, KL) at every check (the first phase's KL is of the exaggerated P).
    /// </summary>
    public static TsneResult Fit(Tensor features, TsneOptions options, Action<int, double>? progress = null)
    {
        if (features.Dim != 2) throw new ArgumentException($"features: expected an (N, D) matrix, got {features}");
        long n = features.Size(0);
        options.Validate(n);
        using var scope = new DisposeScope();
        var p = JointProbabilities.Of(features, options.Perplexity);
        var embedding = TsneInitialization.Create(features, options.Init, options.Seed);
        double eta = LearningRate(n);
        var (_, exploredTo) = Phase(p, embedding, 0, ExaggerationIterations, StartMomentum, EarlyExaggeration, ExaggerationIterations, eta, progress);
        var (divergence, last) = Phase(p, embedding, exploredTo + 1, options.Iterations, FinalMomentum, 1, IterationsWithoutProgress, eta, progress);
        var values = embedding.ToArray<double>();
        var points = Enumerable.Range(0, (int)n).Select(i => (values[2 * i], values[2 * i + 1])).ToList();
        return new TsneResult(points, divergence, last + 1, eta);
    }

    /// <summary>Iterations <paramref name="start"/> .. <paramref name="end"/> - 1 (scikit-learn's _gradient_descent); returns the last divergence computed and the last iteration run.</summary>
    static (double Divergence, int Last) Phase(Tensor p, Tensor embedding, int start, int end, double momentum, double exaggeration,
        int patience, double eta, Action<int, double>? progress)
    {
        using var update = embedding.ZerosLike();
        using var gains = embedding.OnesLike();
        using var gradient = embedding.ZerosLike();
        double divergence = double.MaxValue, best = double.MaxValue;
        int bestIteration = start, i = start;
        for (; i < end; i++)
        {
            using var scope = new DisposeScope();
            bool check = (i + 1) % CheckEvery == 0;
            divergence = KlObjective.Evaluate(p, embedding, exaggeration, gradient, computeDivergence: check || i == end - 1);
            var opposed = (update * gradient).Lt(0.0);
            gains.Copy_(Tensor.Where(opposed, gains + 0.2, gains * 0.8)).Clamp_(MinGain, double.PositiveInfinity);
            gradient.Mul_(gains);
            update.Mul_(momentum).Add_(gradient, -eta);
            embedding.Add_(update);
            if (!check) continue;
            progress?.Invoke(i + 1, divergence);
            if (divergence < best) (best, bestIteration) = (divergence, i);
            else if (i - bestIteration > patience) break;
            if (gradient.Norm().Item() <= MinGradientNorm) break;
        }
        return (divergence, Math.Min(i, end - 1));
    }
}
