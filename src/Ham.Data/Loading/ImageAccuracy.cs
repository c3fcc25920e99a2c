using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Data.Loading;

/// <summary>
/// Top-1 accuracy of a classifier on a list of images with an evaluation transform (resize the
/// shorter side, centre crop, normalize: CLIP's, DomainBed's and CLIPood's test transform).
/// Images are decoded and preprocessed in parallel, one batch at a time.
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
        int size = transform.Size;
        for (int start = 0; start < images.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, images.Count - start);
            var batch = new float[count * 3 * size * size];
            Parallel.For(0, count, i => transform.ApplyInto(ImageCodec.Read(images[start + i].Path), null, batch.AsSpan(i * 3 * size * size, 3 * size * size)));
            using var scope = new DisposeScope();
            var predicted = logitsOf(Tensor.FromArray(batch, count, 3, size, size)).ArgMax(-1).ToArray<long>();
            for (int i = 0; i < count; i++)
                if (predicted[i] == images[start + i].Label) correct++;
            progress?.Invoke(start + count);
        }
        return (double)correct / images.Count;
    }
}
