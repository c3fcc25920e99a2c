using Ham.Torch;

namespace Ham.Training;

/// <summary>
/// The source models' loss on cosine logits s_k = cos(f, t_k) scaled by exp(logit_scale):
/// cross-entropy, or CLIPood's margin metric softmax (Shu et al., ICML 2023, eq. 4), which adds
/// to every other class k the margin lambda * d(t_y, t_k), d = 1 - cos(t_y, t_k) the distance of
/// the class text embeddings, so semantically distant classes are pushed further away:
///   L = -log exp(s_y / tau) / (exp(s_y / tau) + sum_{k != y} exp((s_k + lambda d(t_y, t_k)) / tau)).
/// </summary>
public sealed class ClassificationLoss(LossKind kind, double margin, Tensor classEmbeddings, double scale)
{
    /// <summary>Pairwise text distances 1 - cos(t_y, t_k), (classes, classes), zero on the diagonal.</summary>
    readonly Tensor? _distances = kind == LossKind.MarginMetricSoftmax
        ? (1.0 - Functional.MatMul(classEmbeddings, classEmbeddings.T)).DetachFromScope()
        : null;

    /// <summary>Logits for unit image features (N, D): scale * f t^T.</summary>
    public Tensor Logits(Tensor unitFeatures) => Functional.MatMul(unitFeatures, classEmbeddings.T) * scale;

    public Tensor Compute(Tensor unitFeatures, Tensor labels)
    {
        using var scope = new DisposeScope();
        var cosine = Functional.MatMul(unitFeatures, classEmbeddings.T);
        if (_distances is not null) cosine = cosine + _distances.IndexSelect(0, labels) * margin;
        return scope.MoveToOuter(Functional.CrossEntropy(cosine * scale, labels));
    }
}
