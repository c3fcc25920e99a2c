using System.Runtime.CompilerServices;
using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Data.Transforms;

/// <summary>torchvision's ToTensor then Normalize: CHW float32, value = (pixel / 255 - mean[c]) / std[c].</summary>
public static class ImageTensor
{
    public static Tensor Normalized(RgbImage image, float[] mean, float[] std)
    {
        var values = new float[3 * image.Width * image.Height];
        WriteNormalized(image, mean, std, values);
        return Tensor.FromArray(values, 3, image.Height, image.Width);
    }

    /// <summary>The same values written into a caller's buffer of exactly 3 * W * H floats (one slot of a batch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static unsafe void WriteNormalized(RgbImage image, float[] mean, float[] std, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
            throw new ArgumentException($"a {image.Width}x{image.Height} image needs {3 * plane} floats, the destination has {destination.Length}");
        // The same float expression per byte value, looked up instead of recomputed per pixel:
        // table[c * 256 + v] = (v / 255 - mean[c]) / std[c]. One pass over the interleaved pixels
        // writes all three planes.
        float* table = stackalloc float[3 * 256];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) table[c * 256 + v] = (v / 255f - mean[c]) / std[c];
        fixed (byte* pixels = image.Pixels)
        fixed (float* red = destination)
        {
            float* green = red + plane, blue = green + plane;
            for (int i = 0; i < plane; i++)
            {
                red[i] = table[pixels[i * 3]];
                green[i] = table[256 + pixels[i * 3 + 1]];
                blue[i] = table[512 + pixels[i * 3 + 2]];
            }
        }
    }
}
