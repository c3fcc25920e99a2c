using Ham.Clip.Model;
using Ham.Clip.Preprocessing;
using Ham.Data.Datasets;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Clip.ZeroShot;

/// <summary>
/// Top-1 accuracy of an image encoder + class head on a list of images, with CLIP's evaluation
/// preprocessing (<see cref="ImageAccuracy"/>); batches go to the model's device.
/// </summary>
public static class DomainAccuracy
{
    public static double Evaluate(ClipModel model, ZeroShotHead head, IReadOnlyList<LabelledImage> images, int batchSize = 64, Action<int>? progress = null) =>
        Evaluate(x => head.Logits(model.EncodeImage(x.To(model.LogitScale.Device))), model.Config.ImageResolution, images, batchSize, progress);

    /// <summary>Accuracy of <paramref name="logitsOf"/> (a normalized image batch -> class logits) with CLIP's preprocessing.</summary>
    public static double Evaluate(Func<Tensor, Tensor> logitsOf, int resolution, IReadOnlyList<LabelledImage> images, int batchSize = 64, Action<int>? progress = null) =>
        ImageAccuracy.Evaluate(logitsOf, new EvalTransform(resolution, ClipPreprocessing.Mean, ClipPreprocessing.Std), images, batchSize, progress);
}
