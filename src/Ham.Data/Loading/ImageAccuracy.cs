using Ham.Data.Datasets;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Data.Loading;

/// <summary>
/// Top-1 accuracy of a classifier on a list of images with an evaluation transform (resize the
/// shorter side, centre crop, normalize: CLIP's, DomainBed's and CLIPood's test transform), one
/// in-order pass of an <see cref="EvaluationLoader"/> decoding ahead on every core.
/// </summary>
public static class ImageAccuracy
{
    /// <summary>
    /// Accuracy of <paramref name="logitsOf"/> (a normalized CPU image batch -> class logits) over
    /// <paramref name="images"/>; <paramref name="progress"/> gets the number of images done.
    /// </summary>
    public static double Evaluate(Func<Tensor, Tensor> logitsOf, EvalTransform transform, IReadOnlyList<LabelledImage> images,
        int batchSize = 64, Action<int>? progress = null)
    {
        if (images.Count == 0) throw new ArgumentException("no images to evaluate");
        using var noGrad = LibTorch.NoGrad();
        long correct = 0;
        int done = 0;
        foreach (var batch in new EvaluationLoader(images, transform, batchSize, Environment.ProcessorCount).Batches())
        {
            using var owned = batch;
            using var scope = new DisposeScope();
            correct += logitsOf(batch.Images).ArgMax(-1).To(Device.CPU).Eq(batch.Labels).Sum().ItemLong();
            done += (int)batch.Labels.Size(0);
            progress?.Invoke(done);
        }
        return (double)correct / images.Count;
    }
}
