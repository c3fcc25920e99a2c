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
        var (width, height) = image.Width <= image.Height
            ? (Size, (int)((long)Size * image.Height / image.Width))
            : ((int)((long)Size * image.Width / image.Height), Size);
        var resized = PilResize.Resize(image, width, height, ResampleFilter.Bicubic);
        int top = (int)Math.Round((height - Size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((width - Size) / 2.0, MidpointRounding.ToEven);
        return ImageOps.Crop(resized, left, top, Size, Size);
    }

    public void ApplyInto(RgbImage image, Generator? generator, Span<float> destination) =>
        ImageTensor.WriteNormalized(Apply(image), mean, std, destination);
}
