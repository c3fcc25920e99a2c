using Ham.Torch;

namespace Ham.Training.Backbones;

/// <summary>
/// The seam between training and a model family (DESIGN.md, "Training: algorithms over
/// backbones"): it builds the classifier from a checkpoint, owns the head, the preprocessing
/// statistics, what trains, and how a trained state is saved. Nothing outside it knows whether it
/// is CLIP.
/// </summary>
public abstract class Backbone : IDisposable
{
    /// <summary>The family's name in the hyperparameter registry: "clip" or "resnet".</summary>
    public abstract string Kind { get; }

    /// <summary>theta0: the starting state of every trained model, under <see cref="ClassifierModel"/>'s names (owned by the backbone).</summary>
    public abstract IReadOnlyDictionary<string, Tensor> InitialState { get; }

    /// <summary>Training and evaluation image side.</summary>
    public abstract int Resolution { get; }

    /// <summary>Per-channel normalization the model was trained with.</summary>
    public abstract float[] Mean { get; }

    public abstract float[] Std { get; }

    /// <summary>One line for run.json: the architecture.</summary>
    public abstract string Describe();

    /// <summary>The checkpoint did not say its activation and the default was assumed (CLIP: OpenAI's QuickGELU), for a note to the user.</summary>
    public virtual bool ActivationAssumed => false;

    /// <summary>A new classifier holding theta0, in eval mode (batch norm frozen) unless <paramref name="trainBatchNorm"/>. The caller disposes it.</summary>
    public abstract ClassifierModel CreateModel(bool trainBatchNorm);

    /// <summary>
    /// Writes trained states (names of <see cref="InitialState"/>, any device) as checkpoints of
    /// the family's own format, with everything that did not train around them, each to a temp
    /// file renamed into place.
    /// </summary>
    public abstract void Save(IReadOnlyList<(string Path, IReadOnlyDictionary<string, Tensor> State)> models, IReadOnlyDictionary<string, string> metadata);

    /// <summary>Opens <paramref name="modelPath"/> as whichever backbone its weights describe.</summary>
    public static Backbone Open(string modelPath, IReadOnlyList<string> classes, BackboneOptions options) =>
        BackboneFormats.Open(modelPath, classes, options);

    /// <summary>The <see cref="Kind"/> of the backbone <see cref="Open"/> would make, from the checkpoint's tensor names alone.</summary>
    public static string KindOf(string modelPath) => BackboneFormats.IsTorchvisionResNet(modelPath) ? "resnet" : "clip";

    public abstract void Dispose();
}

/// <summary>
/// How a backbone is built: the training image size (CLIP: 0 = the model's; another resamples the
/// position grid), the head's seed (ResNet), and the activation of a CLIP checkpoint that does not
/// say its own (null: OpenAI's QuickGELU, noted by <see cref="Backbone.ActivationAssumed"/>).
/// </summary>
public sealed record BackboneOptions(int ImageSize = 0, int HeadSeed = 0, Ham.Clip.Model.Activation? Activation = null);
