using System.Runtime.CompilerServices;
using Ham.Data.Images;

namespace Ham.Data.Transforms;

/// <summary>
/// Pillow 9.4's colour operations on 8-bit RGB, bit for bit, as torchvision 0.14's PIL backend
/// calls them (transforms/functional_pil.py): ImageEnhance.Brightness / Contrast / Color, the hue
/// shift through HSV, and convert("L"). Each enhance blends the image with a "degenerate" image:
/// out = degenerate + alpha * (image - degenerate) in float32, truncated to 8 bits (clipped to
/// 0..255 when alpha is outside [0, 1]); Pillow src/libImaging/Blend.c, src/PIL/ImageEnhance.py.
/// </summary>
public static class PilColor
{
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static RgbImage Brightness(RgbImage image, float factor)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = Blend(0, v, factor);
        return Map(image, table);
    }

    /// <summary>
    /// ImageEnhance.Contrast: blend with a uniform grey at the mean luma, rounded as
    /// int(ImageStat.Stat(image.convert("L")).mean[0] + 0.5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static RgbImage Contrast(RgbImage image, float factor)
    {
        byte[] p = image.Pixels;
        long sum = 0;
        for (int i = 0; i < p.Length; i += 3) sum += Luma(p[i], p[i + 1], p[i + 2]);
        int mean = (int)((double)sum / (image.Width * image.Height) + 0.5);
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = Blend(mean, v, factor);
        return Map(image, table);
    }

    /// <summary>ImageEnhance.Color (torchvision's adjust_saturation): blend each pixel with its own luma grey.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static RgbImage Saturation(RgbImage image, float factor)
    {
        byte[] p = image.Pixels;
        var result = new RgbImage(image.Width, image.Height);
        byte[] o = result.Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            int grey = Luma(p[i], p[i + 1], p[i + 2]);
            o[i] = Blend(grey, p[i], factor);
            o[i + 1] = Blend(grey, p[i + 1], factor);
            o[i + 2] = Blend(grey, p[i + 2], factor);
        }
        return result;
    }

    /// <summary>
    /// torchvision's adjust_hue on PIL: convert to HSV, add uint8(hue_factor * 255) to H modulo 256
    /// (numpy's uint8 cast truncates toward zero, then wraps), convert back to RGB.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static RgbImage Hue(RgbImage image, float factor)
    {
        if (factor < -0.5f || factor > 0.5f) throw new ArgumentOutOfRangeException(nameof(factor), factor, "hue factor must be in [-0.5, 0.5]");
        byte shift = unchecked((byte)(int)(factor * 255.0));
        byte[] p = image.Pixels;
        var result = new RgbImage(image.Width, image.Height);
        byte[] o = result.Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            var (h, s, v) = PilHsv.FromRgb(p[i], p[i + 1], p[i + 2]);
            (o[i], o[i + 1], o[i + 2]) = PilHsv.ToRgb(unchecked((byte)(h + shift)), s, v);
        }
        return result;
    }

    /// <summary>torchvision's rgb_to_grayscale(img, 3) on PIL: convert("L") copied to three channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static RgbImage Grayscale(RgbImage image)
    {
        byte[] p = image.Pixels;
        var result = new RgbImage(image.Width, image.Height);
        byte[] o = result.Pixels;
        for (int i = 0; i < p.Length; i += 3) o[i] = o[i + 1] = o[i + 2] = Luma(p[i], p[i + 1], p[i + 2]);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    static RgbImage Map(RgbImage image, byte[] table)
    {
        var result = new RgbImage(image.Width, image.Height);
        byte[] p = image.Pixels, o = result.Pixels;
        for (int i = 0; i < p.Length; i++) o[i] = table[p[i]];
        return result;
    }
}
