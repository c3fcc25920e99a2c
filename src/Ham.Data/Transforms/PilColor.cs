using Ham.Data.Images;

namespace Ham.Data.Transforms;

/// <summary>
/// Pillow 9.4's colour operations on 8-bit RGB, bit for bit, as torchvision 0.14's PIL backend
/// calls them (transforms/functional_pil.py): ImageEnhance.Brightness / Contrast / Color, the hue
/// shift through HSV, and convert("L"). Each enhance blends the image with a "degenerate" image:
/// out = degenerate + alpha * (image - degenerate) in float32, truncated to 8 bits (clipped to
/// 0..255 when alpha is outside [0, 1]); Pillow src/libImaging/Blend.c, src/PIL/ImageEnhance.py.
/// Each operation returns a new image; <see cref="Apply"/> runs one in place (the loader's path).
/// </summary>
public static class PilColor
{
    /// <summary>The operations, in the order torchvision's ColorJitter numbers them.</summary>
    public enum Operation { Brightness, Contrast, Saturation, Hue }

    /// <summary>convert("L"): ITU-R 601-2 luma in 16-bit fixed point, (19595 R + 38470 G + 7471 B + 2^15) >> 16 (Convert.c L24).</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>ImagingBlend for one 8-bit value: float32 arithmetic, truncation, clipping only when extrapolating.</summary>
    public static byte Blend(int degenerate, int image, float alpha)
    {
        float value = degenerate + alpha * (image - degenerate);
        if (alpha >= 0 && alpha <= 1) return (byte)value;
        return value <= 0 ? (byte)0 : value >= 255 ? (byte)255 : (byte)value;
    }

    /// <summary>ImageEnhance.Brightness: blend with black.</summary>
    public static RgbImage Brightness(RgbImage image, float factor) => Applied(image, Operation.Brightness, factor);

    /// <summary>
    /// ImageEnhance.Contrast: blend with a uniform grey at the mean luma, rounded as
    /// int(ImageStat.Stat(image.convert("L")).mean[0] + 0.5).
    /// </summary>
    public static RgbImage Contrast(RgbImage image, float factor) => Applied(image, Operation.Contrast, factor);

    /// <summary>ImageEnhance.Color (torchvision's adjust_saturation): blend each pixel with its own luma grey.</summary>
    public static RgbImage Saturation(RgbImage image, float factor) => Applied(image, Operation.Saturation, factor);

    /// <summary>
    /// torchvision's adjust_hue on PIL: convert to HSV, add uint8(hue_factor * 255) to H modulo 256
    /// (numpy's uint8 cast truncates toward zero, then wraps), convert back to RGB.
    /// </summary>
    public static RgbImage Hue(RgbImage image, float factor) => Applied(image, Operation.Hue, factor);

    /// <summary>torchvision's rgb_to_grayscale(img, 3) on PIL: convert("L") copied to three channels.</summary>
    public static RgbImage Grayscale(RgbImage image)
    {
        var result = new RgbImage(image.Width, image.Height);
        ColorKernels.GreyPerPixel(image.Pixels, result.Pixels);
        return result;
    }

    /// <summary>The operation from <paramref name="source"/> into <paramref name="destination"/> (same size; they may be the same image).</summary>
    public static void Apply(Operation operation, float factor, RgbImage source, RgbImage destination)
    {
        if (source.Width != destination.Width || source.Height != destination.Height)
            throw new ArgumentException($"source {source.Width}x{source.Height} and destination {destination.Width}x{destination.Height} differ in size");
        byte[] from = source.Pixels, to = destination.Pixels;
        switch (operation)
        {
            case Operation.Brightness:
                ColorKernels.BlendWithConstant(from, to, 0, factor);
                break;
            case Operation.Contrast:
                int mean = (int)((double)ColorKernels.LumaSum(from) / (source.Width * source.Height) + 0.5);
                ColorKernels.BlendWithConstant(from, to, (byte)mean, factor);
                break;
            case Operation.Saturation:
                ColorKernels.BlendWithOwnGrey(from, to, factor);
                break;
            case Operation.Hue:
                if (factor < -0.5f || factor > 0.5f) throw new ArgumentOutOfRangeException(nameof(factor), factor, "hue factor must be in [-0.5, 0.5]");
                HueShift.Apply(from, to, unchecked((byte)(int)(factor * 255.0)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
        }
    }

    static RgbImage Applied(RgbImage image, Operation operation, float factor)
    {
        var result = new RgbImage(image.Width, image.Height);
        Apply(operation, factor, image, result);
        return result;
    }
}
