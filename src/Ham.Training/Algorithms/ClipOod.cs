using Ham.Torch;
using Ham.Training.Backbones;
using Ham.Training.Losses;

namespace Ham.Training.Algorithms;

/// <summary>
/// CLIPood (Shu et al., "CLIPood: Generalizing CLIP to Out-of-Distributions", ICML 2023): one
/// CLIP image encoder on all sources' batches, trained with the margin metric softmax
/// (<see cref="MarginMetricSoftmax"/>, the paper's eq. 4) and delivered as its Beta moving
/// average over the steps (eq. 6: weights BetaPDF(beta, beta)((t + 0.5) / (T + 1)), the
/// <see cref="Method.HistoricalAverage"/> every model keeps).
/// </summary>
public sealed class ClipOod : Erm
{
    readonly MarginMetricSoftmax loss;

    public ClipOod(AlgorithmContext context) : base(context, "clipood")
    {
        var clip = Models[0].Model as ClipClassifier
            ?? throw new ArgumentException($"clipood needs a CLIP model (its loss uses the class text embeddings); this is a {context.Backbone.Kind} backbone");
        loss = new MarginMetricSoftmax(clip.ClassEmbeddings, clip.LogitScale, context.Hyperparameters.Double("margin"));
    }

    protected override Tensor Loss(Tensor features, Tensor labels) => loss.Compute(features, labels);

    public override void Dispose()
    {
        loss.Dispose();
        base.Dispose();
    }
}
