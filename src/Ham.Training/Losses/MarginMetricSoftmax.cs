using Ham.Torch;

namespace Ham.Training.Losses;

/// <summary>
/// CLIPood's margin metric softmax (Shu et al., ICML 2023, eq. 4) on cosine logits
/// s_k = cos(f, t_k) scaled by exp(logit_scale) = 1 / tau: every other class k gets the margin
/// lambda * d(t_y, t_k), d = 1 - cos(t_y, t_k) the distance of the class text embeddings, so
/// semantically distant classes are pushed further away:
///   L = -log exp(s_y / tau) / (exp(s_y / tau) + sum_{k != y} exp((s_k + lambda d(t_y, t_k)) / tau)).
/// (d(t_y, t_y) = 0, so the true class's logit is unchanged.)
/// </summary>
public sealed class MarginMetricSoftmax : IDisposable
{
    readonly Tensor classEmbeddings;
    readonly Tensor distances;
    readonly double scale;
    readonly double margin;

    /// <param name="classEmbeddings">(classes, embed) unit text embeddings; the loss keeps a reference, not a copy</param>
    public MarginMetricSoftmax(Tensor classEmbeddings, double scale, double margin)
    {
        this.classEmbeddings = classEmbeddings;
        this.scale = scale;
        this.margin = margin;
        using var noGrad = Ham.Torch.LibTorch.NoGrad();
        distances = (1.0 - Functional.MatMul(classEmbeddings, classEmbeddings.T)).DetachFromScope();
    }

    /// <summary>The loss for unit image features (N, embed) and labels (N); the caller's scope owns it.</summary>
    public Tensor Compute(Tensor unitFeatures, Tensor labels)
    {
        using var scope = new DisposeScope();
        var cosine = Functional.MatMul(unitFeatures, classEmbeddings.T) + distances.IndexSelect(0, labels) * margin;
        return scope.MoveToOuter(Functional.CrossEntropy(cosine * scale, labels));
    }

    public void Dispose() => distances.Dispose();
}
