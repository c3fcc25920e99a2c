using System.Runtime.CompilerServices;
using Ham.Data.Images;

namespace Ham.Data.Transforms;

/// <summary>Deterministic pixel-exact operations on 8-bit RGB images (PIL's crop; the flip is part of <see cref="PilResize.CropResize"/>).</summary>
public static class ImageOps
{
    /// <summary>The <paramref name="width"/> x <paramref name="height"/> region whose top-left pixel is (<paramref name="left"/>, <paramref name="top"/>); it must lie inside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static RgbImage Crop(RgbImage image, int left, int top, int width, int height)
    {
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > image.Width || top + height > image.Height)
            throw new ArgumentException($"crop {width}x{height} at ({left}, {top}) does not fit in a {image.Width}x{image.Height} image");
        var crop = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * 3, crop.Pixels, y * width * 3, width * 3);
        return crop;
    }
}
