namespace Ham.Experiments.Tsne;

/// <summary>
/// What a t-SNE run may set: the perplexity of the input affinities, the number of gradient
/// iterations (more than the 250 of early exaggeration), the start, and its seed.
/// </summary>
public sealed record TsneOptions(double Perplexity = 30, int Iterations = 1000, TsneInit Init = TsneInit.Pca, ulong Seed = 0)
{
    public void Validate(long points)
    {
        if (!(Perplexity > 0) || !(Perplexity < points))
            throw new ArgumentException($"perplexity: expected a number above 0 and below the number of points ({points}), got {Perplexity}");
        if (Iterations <= TsneOptimizer.ExaggerationIterations)
            throw new ArgumentException($"iterations: expected more than the {TsneOptimizer.ExaggerationIterations} of early exaggeration, got {Iterations}");
    }
}

/// <summary>
/// A t-SNE embedding: the 2-D points in input order, the final KL divergence (evaluated at the
/// last iteration's points, as scikit-learn's kl_divergence_), the iterations run (fewer than asked
/// when progress stopped) and the learning rate used.
/// </summary>
public sealed record TsneResult(IReadOnlyList<(double X, double Y)> Points, double KlDivergence, int Iterations, double LearningRate);
