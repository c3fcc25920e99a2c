using Ham.Clip.Model;
using Ham.Torch;

namespace Ham.Training.Backbones;

/// <summary>
/// A CLIP image tower with the zero-shot head CLIPood and HAM train against: logits =
/// exp(logit_scale) * cos(image, t_k), t_k the frozen unit text embedding of class k's prompt.
/// The tower is the child "visual", so the state dict carries OpenAI's names; the text embeddings
/// are a non-persistent buffer: they never train, merge or save.
/// </summary>
public sealed class ClipClassifier : ClassifierModel
{
    readonly ImageEncoder visual;
    readonly Tensor classEmbeddings;

    /// <param name="classEmbeddings">(classes, embed) unit vectors; the classifier keeps its own copy</param>
    public ClipClassifier(ClipConfig config, Tensor classEmbeddings, double logitScale)
    {
        using var generator = new Generator(0);
        visual = RegisterModule("visual", ImageEncoder.Create(config, generator));
        this.classEmbeddings = RegisterBuffer("class_embeddings", classEmbeddings.Detach().Clone(), persistent: false);
        LogitScale = logitScale;
    }

    /// <summary>exp(logit_scale) of the checkpoint.</summary>
    public double LogitScale { get; }

    /// <summary>(classes, embed) unit text embeddings (owned by the classifier).</summary>
    public Tensor ClassEmbeddings => classEmbeddings;

    public override Tensor Features(Tensor images) => ClipModel.Normalize(visual.Forward(images));

    public override Tensor Logits(Tensor features) => Functional.MatMul(features, classEmbeddings.T) * LogitScale;
}
