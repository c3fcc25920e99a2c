using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Training.Backbones;

/// <summary>
/// What every algorithm trains: normalized images (N, 3, R, R) -> the features the head reads
/// (N, D) -> class logits (N, classes). The module's state dict is the trained model under the
/// checkpoint's own names (CLIP: "visual.*"; torchvision ResNet: "conv1.weight" ... "fc.bias"),
/// so the per-source states merge against theta0 and save as the checkpoint format they came from.
/// </summary>
public abstract class ClassifierModel : Module
{
    /// <summary>The features the head reads (CLIP: unit image embeddings; ResNet: the pooled output). The caller's scope owns the result.</summary>
    public abstract Tensor Features(Tensor images);

    /// <summary>Class logits of <see cref="Features"/>' output. The caller's scope owns the result.</summary>
    public abstract Tensor Logits(Tensor features);
}
