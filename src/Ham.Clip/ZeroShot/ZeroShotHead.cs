using Ham.Clip.Model;
using Ham.Clip.Text;
using Ham.Torch;

namespace Ham.Clip.ZeroShot;

/// <summary>
/// A zero-shot classifier: for each class, the normalized text embeddings of its prompts are
/// averaged and normalized again (CLIP's prompt ensembling; with one template this is just the
/// normalized embedding); logits = exp(logit_scale) * cos(image, class).
/// Source: CLIP paper section 3.1.4 and its ImageNet notebook `zeroshot_classifier`.
/// </summary>
public sealed class ZeroShotHead : IDisposable
{
    ZeroShotHead(Tensor classEmbeddings, double logitScale, IReadOnlyList<string> classNames)
    {
        ClassEmbeddings = classEmbeddings;
        LogitScale = logitScale;
        ClassNames = classNames;
    }

    /// <summary>(classes, embed) unit vectors.</summary>
    public Tensor ClassEmbeddings { get; }

    /// <summary>exp(logit_scale) of the model the head was built from.</summary>
    public double LogitScale { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Builds the head from folder class names (cleaned for prompts) and templates, on the model's device.</summary>
    public static ZeroShotHead Create(ClipModel model, IReadOnlyList<string> classNames, IReadOnlyList<string> templates, ClipTokenizer? tokenizer = null)
    {
        tokenizer ??= ClipTokenizer.OpenAi;
        using var noGrad = LibTorch.NoGrad();
        using var scope = new DisposeScope();
        var perClass = new List<Tensor>(classNames.Count);
        foreach (string name in classNames)
        {
            string words = ZeroShot.ClassNames.ForPrompt(name);
            var prompts = templates.Select(t => PromptTemplates.Fill(t, words)).ToList();
            var embeddings = ClipModel.Normalize(model.EncodeText(tokenizer.TokenizeBatch(prompts, (int)model.Config.ContextLength, truncate: true).To(model.LogitScale.Device)));
            perClass.Add(ClipModel.Normalize(embeddings.Mean([0])));
        }
        var weights = scope.MoveToOuter(Tensor.Stack(perClass));
        return new ZeroShotHead(weights, model.LogitScale.Exp().Item(), classNames);
    }

    /// <summary>Image features (N, embed) -> logits (N, classes).</summary>
    public Tensor Logits(Tensor imageFeatures)
    {
        using var scope = new DisposeScope();
        return scope.MoveToOuter(Functional.MatMul(ClipModel.Normalize(imageFeatures), ClassEmbeddings.T) * LogitScale);
    }

    public void Dispose() => ClassEmbeddings.Dispose();
}
