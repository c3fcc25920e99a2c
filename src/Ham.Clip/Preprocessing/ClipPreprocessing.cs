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
    public static RgbImage ResizeAndCrop(RgbImage image, int size)
    {
        var (width, height) = ShorterSideTo(image.Width, image.Height, size);
        var resized = PilResize.Resize(image, width, height, ResampleFilter.Bicubic);
        return CenterCrop(resized, size);
    }

    /// <summary>One image as a (3, size, size) float32 tensor, normalized.</summary>
    public static Tensor ToTensor(RgbImage image, int size) => ImageTensor.Normalized(ResizeAndCrop(image, size), Mean, Std);

    /// <summary>A (N, 3, size, size) batch.</summary>
    public static Tensor Batch(IEnumerable<RgbImage> images, int size)
    {
        using var scope = new DisposeScope();
        return scope.MoveToOuter(Tensor.Stack(images.Select(image => ToTensor(image, size)).ToArray()));
    }

    /// <summary>torchvision Resize(int): the shorter side becomes <paramref name="size"/>, the longer one int(size * long / short).</summary>
    public static (int Width, int Height) ShorterSideTo(int width, int height, int size) => width <= height
        ? (size, (int)((long)size * height / width))
        : ((int)((long)size * width / height), size);

    /// <summary>torchvision CenterCrop: offsets int(round((in - out) / 2)), Python's round (half to even).</summary>
    public static RgbImage CenterCrop(RgbImage image, int size)
    {
        if (image.Width < size || image.Height < size)
            throw new ArgumentException($"centre crop of {size} px needs an image at least that large, got {image.Width}x{image.Height}");
        int top = (int)Math.Round((image.Height - size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((image.Width - size) / 2.0, MidpointRounding.ToEven);
        var crop = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * 3, crop.Pixels, y * size * 3, size * 3);
        return crop;
    }
}
