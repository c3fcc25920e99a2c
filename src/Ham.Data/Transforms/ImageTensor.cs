using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Data.Transforms;

/// <summary>torchvision's ToTensor then Normalize: CHW float32, value = (pixel / 255 - mean[c]) / std[c].</summary>
public static class ImageTensor
{
    public static Tensor Normalized(RgbImage image, float[] mean, float[] std)
    {
        var values = new float[3 * image.Width * image.Height];
        Normalize(image, mean, std, values);
        return Tensor.FromArray(values, 3, image.Height, image.Width);
    }

    /// <summary>Writes the CHW values into <paramref name="destination"/> (3 x height x width floats); no tensor, so any thread may call it.</summary>
    public static void Normalize(RgbImage image, float[] mean, float[] std, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane) throw new ArgumentException($"{image.Width}x{image.Height} image needs {3 * plane} floats, got {destination.Length}");
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                destination[c * plane + i] = (image.Pixels[i * 3 + c] / 255f - mean[c]) / std[c];
    }
}
