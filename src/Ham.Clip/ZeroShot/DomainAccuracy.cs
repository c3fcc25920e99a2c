using Ham.Clip.Model;
using Ham.Clip.Preprocessing;
using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Clip.ZeroShot;

/// <summary>
/// Top-1 accuracy of an image encoder + class head on a list of images, with CLIP's evaluation
/// preprocessing (resize the shorter side, centre crop: also DomainBed's and CLIPood's test
/// transform). Images are decoded and preprocessed in parallel, one batch at a time.
/// </summary>
public static class DomainAccuracy
{
    public static double Evaluate(ClipModel model, ZeroShotHead head, IReadOnlyList<LabelledImage> images, int batchSize = 64, Action<int>? progress = null) =>
        Evaluate(x => head.Logits(model.EncodeImage(x)), model.Config.ImageResolution, images, batchSize, progress);

    /// <summary>
    /// Accuracy of <paramref name="logitsOf"/> (a normalized image batch -> class logits) over
    /// <paramref name="images"/>; <paramref name="progress"/> gets the number of images done.
    /// </summary>
    public static double Evaluate(Func<Tensor, Tensor> logitsOf, int resolution, IReadOnlyList<LabelledImage> images, int batchSize = 64, Action<int>? progress = null)
    {
        if (images.Count == 0) throw new ArgumentException("no images to evaluate");
        using var noGrad = LibTorch.NoGrad();
        long correct = 0;
        for (int start = 0; start < images.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, images.Count - start);
            var decoded = new RgbImage[count];
            Parallel.For(0, count, i => decoded[i] = ClipPreprocessing.ResizeAndCrop(ImageCodec.Read(images[start + i].Path), resolution));
            using var scope = new DisposeScope();
            var predicted = logitsOf(ClipPreprocessing.Batch(decoded, resolution)).ArgMax(-1).ToArray<long>();
            for (int i = 0; i < count; i++)
                if (predicted[i] == images[start + i].Label) correct++;
            progress?.Invoke(start + count);
        }
        return (double)correct / images.Count;
    }
}
