using System.Buffers;

namespace Ham.Data.Images;

/// <summary>The resampling filters of <see cref="PilResize"/>.</summary>
public enum ResampleFilter { Bilinear, Bicubic }

/// <summary>
/// Pillow's Image.resize for 8-bit RGB, bit for bit: separable convolution, horizontal pass then
/// vertical pass, each rounded to 8 bits, with the weights of <see cref="ResampleCoefficients"/>.
/// CLIP's and torchvision's preprocessing run on PIL images, so matching Pillow here is what makes
/// pixel_values match the reference. Source: Pillow 9, src/libImaging/Resample.c
/// (<c>ImagingResampleInner</c>, <c>ImagingResampleHorizontal_8bpc</c>, <c>ImagingResampleVertical_8bpc</c>).
/// </summary>
public static class PilResize
{
    public static RgbImage Resize(RgbImage image, int width, int height, ResampleFilter filter) =>
        width == image.Width && height == image.Height ? image : CropResize(image, 0, 0, image.Width, image.Height, width, height, filter);

    /// <summary>
    /// PIL's <c>image.crop(box).resize((width, height), filter)</c>, then FLIP_LEFT_RIGHT when
    /// <paramref name="mirror"/>, without making the crop or the flip: the passes read the region
    /// in place and the horizontal pass writes its outputs in mirrored order. As Pillow, a pass runs
    /// only when its axis changes size (a mirror alone is a horizontal pass of weight-1 taps), and
    /// the horizontal pass only over the input rows the vertical pass reads.
    /// </summary>
    public static RgbImage CropResize(RgbImage image, int left, int top, int cropWidth, int cropHeight, int width, int height,
        ResampleFilter filter, bool mirror = false)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"resize target must be positive, got {width}x{height}");
        var output = new RgbImage(width, height);
        CropResizeInto(image, left, top, cropWidth, cropHeight, output, filter, mirror);
        return output;
    }

    /// <summary><see cref="CropResize"/> into <paramref name="output"/>, whose size is the target size (a loader's reused buffer).</summary>
    public static void CropResizeInto(RgbImage image, int left, int top, int cropWidth, int cropHeight, RgbImage output,
        ResampleFilter filter, bool mirror = false)
    {
        int width = output.Width, height = output.Height;
        if (left < 0 || top < 0 || cropWidth <= 0 || cropHeight <= 0 || left + cropWidth > image.Width || top + cropHeight > image.Height)
            throw new ArgumentException($"crop {cropWidth}x{cropHeight} at ({left}, {top}) does not fit in a {image.Width}x{image.Height} image");
        int stride = image.Width * 3, origin = top * stride + left * 3;
        ResampleCoefficients? rows = cropWidth != width ? ResampleCoefficients.Pillow(cropWidth, width, filter, mirror)
            : mirror ? ResampleCoefficients.Identity(width, mirror: true) : null;
        ResampleCoefficients? columns = cropHeight != height ? ResampleCoefficients.Pillow(cropHeight, height, filter, mirror: false) : null;
        if (rows is null && columns is null)
        {
            for (int y = 0; y < height; y++) image.Pixels.AsSpan(origin + y * stride, width * 3).CopyTo(output.Pixels.AsSpan(y * width * 3));
        }
        else if (columns is null)
        {
            ResamplePasses.Horizontal(image.Pixels, origin, stride, height, output.Pixels, rows!);
        }
        else if (rows is null)
        {
            ResamplePasses.Vertical(image.Pixels, origin, stride, width * 3, output.Pixels, columns);
        }
        else
        {
            int first = columns.FirstInput, count = columns.EndInput - first, rowBytes = width * 3;
            byte[] between = ArrayPool<byte>.Shared.Rent(count * rowBytes);
            try
            {
                ResamplePasses.Horizontal(image.Pixels, origin + first * stride, stride, count, between, rows);
                ResamplePasses.Vertical(between, -first * rowBytes, rowBytes, rowBytes, output.Pixels, columns);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(between);
            }
        }
    }
}
