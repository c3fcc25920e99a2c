using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Data.Transforms;

/// <summary>
/// The evaluation transform of CLIP and CLIPood: Resize(size) of the shorter side with Pillow's
/// bicubic filter (antialiased when shrinking), CenterCrop(size), ToTensor, Normalize
/// (OpenAI CLIP clip/clip.py <c>_transform</c>, torchvision 0.14 semantics: the longer side becomes
/// int(size * long / short), crop offsets int(round((in - size) / 2)) with half to even).
/// </summary>
public sealed class EvalTransform(int size, float[] mean, float[] std) : ISampleTransform
{
    readonly float[] mean = mean.Length == 3 ? mean : throw new ArgumentException("mean needs 3 channels");
    readonly float[] std = std.Length == 3 ? std : throw new ArgumentException("std needs 3 channels");

    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "must be positive");

    public bool IsRandom => false;

    /// <summary>The resized and centre-cropped 8-bit image.</summary>
    public RgbImage Apply(RgbImage image)
    {
        var (width, height) = ShorterSideTo(image.Width, image.Height, Size);
        return CenterCrop(PilResize.Resize(image, width, height, ResampleFilter.Bicubic), Size);
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
        return ImageOps.Crop(image, left, top, size, size);
    }

    public void ApplyInto(RgbImage image, Generator? generator, Span<float> destination) =>
        ImageTensor.WriteNormalized(Apply(image), mean, std, destination);
}
