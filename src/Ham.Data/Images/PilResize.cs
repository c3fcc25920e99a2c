using System.Runtime.CompilerServices;
namespace Ham.Data.Images;

/// <summary>The resampling filters of <see cref="PilResize"/>.</summary>
public enum ResampleFilter { Bilinear, Bicubic }

/// <summary>
/// Pillow's Image.resize for 8-bit RGB, bit for bit: separable convolution, horizontal pass then
/// vertical pass, each rounded to 8 bits. Output pixel x samples the input around
/// center = (x + 0.5) * scale with the filter stretched by max(scale, 1), so shrinking
/// antialiases; weights are normalized to sum 1 and applied in 22-bit fixed point.
/// CLIP's and torchvision's preprocessing run on PIL images, so matching Pillow here is what makes
/// pixel_values match the reference. Source: Pillow 9, src/libImaging/Resample.c
/// (`precompute_coeffs`, `normalize_coeffs_8bpc`, `ImagingResampleHorizontal_8bpc`).
/// </summary>
public static class PilResize
{
    const int PrecisionBits = 32 - 8 - 2;

    public static RgbImage Resize(RgbImage image, int width, int height, ResampleFilter filter)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"resize target must be positive, got {width}x{height}");
        RgbImage result = image;
        if (width != image.Width) result = ResampleRows(result, width, Coefficients(image.Width, width, filter));
        if (height != image.Height) result = ResampleColumns(result, height, Coefficients(image.Height, height, filter));
        return result;
    }

    /// <summary>Pillow's filters: bilinear (triangle, support 1) and bicubic (Keys, a = -0.5, support 2).</summary>
    static (double Support, Func<double, double> Weight) FilterOf(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Bilinear => (1.0, x => Math.Abs(x) < 1 ? 1 - Math.Abs(x) : 0),
        ResampleFilter.Bicubic => (2.0, Bicubic),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter"),
    };

    static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /// <summary>For each output index: the first input index, and fixed-point weights over the inputs it reads.</summary>
    static (int First, int[] Weights)[] Coefficients(int inSize, int outSize, ResampleFilter filter)
    {
        var (support, weight) = FilterOf(filter);
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var result = new (int, int[])[outSize];
        var w = new double[(int)Math.Ceiling(support) * 2 + 1];
        for (int x = 0; x < outSize; x++)
        {
            double center = (x + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int count = Math.Min((int)(center + support + 0.5), inSize) - min;
            double total = 0;
            for (int i = 0; i < count; i++) total += w[i] = weight((i + min - center + 0.5) / filterScale);
            var fixedPoint = new int[count];
            for (int i = 0; i < count; i++)
            {
                double normalized = total != 0 ? w[i] / total : w[i];
                fixedPoint[i] = (int)(normalized * (1 << PrecisionBits) + (normalized < 0 ? -0.5 : 0.5));
            }
            result[x] = (min, fixedPoint);
        }
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    static RgbImage ResampleRows(RgbImage image, int width, (int First, int[] Weights)[] coefficients)
    {
        var output = new RgbImage(width, image.Height);
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int y = 0; y < image.Height; y++)
        {
            int rowIn = y * image.Width * 3, rowOut = y * width * 3;
            for (int x = 0; x < width; x++)
            {
                var (first, weights) = coefficients[x];
                for (int c = 0; c < 3; c++)
                {
                    int sum = 1 << (PrecisionBits - 1);
                    for (int i = 0; i < weights.Length; i++) sum += src[rowIn + (first + i) * 3 + c] * weights[i];
                    dst[rowOut + x * 3 + c] = Clip8(sum);
                }
            }
        }
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    static RgbImage ResampleColumns(RgbImage image, int height, (int First, int[] Weights)[] coefficients)
    {
        var output = new RgbImage(image.Width, height);
        byte[] src = image.Pixels, dst = output.Pixels;
        int stride = image.Width * 3;
        for (int y = 0; y < height; y++)
        {
            var (first, weights) = coefficients[y];
            for (int x = 0; x < stride; x++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int i = 0; i < weights.Length; i++) sum += src[(first + i) * stride + x] * weights[i];
                dst[y * stride + x] = Clip8(sum);
            }
        }
        return output;
    }

    static byte Clip8(int fixedPoint) => (byte)Math.Clamp(fixedPoint >> PrecisionBits, 0, 255);
}
