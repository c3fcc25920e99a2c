using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Clip.Preprocessing;

/// <summary>
/// CLIP's image preprocessing: resize the shorter side to the input size with Pillow's bicubic
/// filter (antialiased when shrinking), centre crop a square, scale to [0, 1], normalize with
/// CLIP's mean and std. Source: OpenAI CLIP, clip/clip.py `_transform` (torchvision Resize,
/// CenterCrop, ToTensor, Normalize on PIL images, torchvision 0.14 semantics for sizes and crop
/// offsets).
/// </summary>
public static class ClipPreprocessing
{
    public static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>The resized and cropped 8-bit image, before normalization.</summary>
    public static RgbImage ResizeAndCrop(RgbImage image, int size) => new EvalTransform(size, Mean, Std).Apply(image);

    /// <summary>One image as a (3, size, size) float32 tensor, normalized.</summary>
    public static Tensor ToTensor(RgbImage image, int size) => ImageTensor.Normalized(ResizeAndCrop(image, size), Mean, Std);

    /// <summary>A (N, 3, size, size) batch.</summary>
    public static Tensor Batch(IEnumerable<RgbImage> images, int size)
    {
        using var scope = new DisposeScope();
        return scope.MoveToOuter(Tensor.Stack(images.Select(image => ToTensor(image, size)).ToArray()));
    }
}
