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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteNormalized(RgbImage image, float[] mean, float[] std, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
            throw new ArgumentException($"a {image.Width}x{image.Height} image needs {3 * plane} floats, the destination has {destination.Length}");
        byte[] pixels = image.Pixels;
        Span<float> table = stackalloc float[256];
        for (int c = 0; c < 3; c++)
        {
            // The same float expression per byte value, looked up instead of recomputed per pixel.
            for (int v = 0; v < 256; v++) table[v] = (v / 255f - mean[c]) / std[c];
            var channel = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) channel[i] = table[pixels[i * 3 + c]];
        }
    }
}
