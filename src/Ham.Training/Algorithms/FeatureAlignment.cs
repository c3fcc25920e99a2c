using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Torch;
using Ham.Training.Losses;

namespace Ham.Training.Algorithms;

/// <summary>
/// DomainBed's AbstractMMD, the shape CORAL and MMD share: each source's batch is featurized on
/// its own, the head classifies it, and every pair of sources (i &lt; j) pays a distance between
/// their feature distributions:
///   L = (1/S) sum_i CE_i + mmd_gamma * (2 / (S (S - 1))) sum_{i&lt;j} D(phi(B_i), phi(B_j)).
/// The features are those the backbone's head reads (CLIP: unit image embeddings).
/// </summary>
public abstract class FeatureAlignment(AlgorithmContext context, string name) : SingleModelAlgorithm(context, name)
{
    readonly double gamma = context.Hyperparameters.Double("mmd_gamma");

    /// <summary>The distance D between two batches of features (N_i, D) and (N_j, D).</summary>
    protected abstract Tensor Distance(Tensor x, Tensor y);

    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        var features = batches.Select(b => Model.Model.Features(b.Images)).ToList();
        Tensor? objective = null, penalty = null;
        for (int i = 0; i < batches.Count; i++)
        {
            objective = Sum(objective, Functional.CrossEntropy(Model.Model.Logits(features[i]), batches[i].Labels));
            for (int j = i + 1; j < batches.Count; j++) penalty = Sum(penalty, Distance(features[i], features[j]));
        }
        int s = batches.Count;
        objective = objective! / s;
        var meanPenalty = penalty is null ? null : penalty / (s * (s - 1) / 2.0);   // one source: no pairs, no penalty
        var loss = meanPenalty is null ? objective : objective + meanPenalty * gamma;
        Model.Step(loss, step, lr);
        return [Record(step, lr, Model, loss, objective, batches.Sum(b => b.Labels.Size(0)), clock, ("penalty", meanPenalty?.Item() ?? 0))];
    }
}

/// <summary>Deep CORAL (Sun and Saenko, ECCV 2016 workshops), as DomainBed's CORAL: D = mean squared difference of the feature means plus of the covariances (<see cref="CoralDistance"/>).</summary>
public sealed class Coral(AlgorithmContext context) : FeatureAlignment(context, "coral")
{
    protected override Tensor Distance(Tensor x, Tensor y) => CoralDistance.Compute(x, y);
}

/// <summary>MMD (Li et al., CVPR 2018, MMD-AAE), as DomainBed's MMD: D = the Gaussian-kernel maximum mean discrepancy over DomainBed's seven bandwidths (<see cref="MmdDistance"/>).</summary>
public sealed class Mmd(AlgorithmContext context) : FeatureAlignment(context, "mmd")
{
    protected override Tensor Distance(Tensor x, Tensor y) => MmdDistance.Compute(x, y);
}
