using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Data.Transforms;

/// <summary>torchvision's ToTensor then Normalize: CHW float32, value = (pixel / 255 - mean[c]) / std[c].</summary>
public static class ImageTensor
{
    public static Tensor Normalized(RgbImage image, float[] mean, float[] std)
    {
        int plane = image.Width * image.Height;
        var values = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                values[c * plane + i] = (image.Pixels[i * 3 + c] / 255f - mean[c]) / std[c];
        return Tensor.FromArray(values, 3, image.Height, image.Width);
    }
}
