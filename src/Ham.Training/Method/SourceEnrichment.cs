using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// SAE, HAM's sample conflict-aware adaptive source enrichment (HAM section 3.2). At each step,
/// source model i computes tau_i = mean over its own batch B_i of its max softmax probability;
/// every sample of another source's batch B_j (j != i) whose max probability under model i
/// exceeds tau_i joins model i's batch. Confidences are computed without gradient.
/// </summary>
public static class SourceEnrichment
{
    /// <summary>
    /// <paramref name="confidence"/>[i][j] = model i's max softmax probability on each sample of
    /// batch B_j (1-D). Returns, for every model i and every other source j, the indices into B_j
    /// that join model i's batch.
    /// </summary>
    public static long[][][] Select(IReadOnlyList<IReadOnlyList<Tensor>> confidence)
    {
        int n = confidence.Count;
        var selected = new long[n][][];
        using var scope = new DisposeScope();
        for (int i = 0; i < n; i++)
        {
            if (confidence[i].Count != n)
                throw new ArgumentException($"model {i} has confidences on {confidence[i].Count} batches, expected {n}");
            selected[i] = SelectFor(i, confidence[i]);
        }
        return selected;
    }

    /// <summary>Model <paramref name="model"/>'s row of <see cref="Select"/>: for each batch j, the indices that join its batch.</summary>
    public static long[][] SelectFor(int model, IReadOnlyList<Tensor> confidence)
    {
        using var scope = new DisposeScope();
        double tau = confidence[model].Mean().Item();
        return confidence.Select((c, j) => j == model ? [] : c.Gt(tau).NonZero().Flatten().ToArray<long>()).ToArray();
    }

    /// <summary>Max softmax probability per row of logits (N, C), without gradient.</summary>
    public static Tensor MaxProbability(Tensor logits)
    {
        using (LibTorch.NoGrad())
        using (var scope = new DisposeScope())
        {
            var (values, _) = Functional.Softmax(logits, -1).Max(-1);
            return scope.MoveToOuter(values);
        }
    }
}
