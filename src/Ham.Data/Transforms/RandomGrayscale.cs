using Ham.Data.Images;
using Ham.Torch;
using Random = Ham.Torch.Random;

namespace Ham.Data.Transforms;

/// <summary>
/// torchvision's RandomGrayscale(p) on a PIL RGB image: if torch.rand(1) &lt; p, the luma grey
/// (convert("L")) in all three channels; otherwise the image unchanged. DomainBed uses p = 0.1.
/// </summary>
public sealed class RandomGrayscale(double probability = 0.1)
{
    public double Probability { get; } = probability is >= 0 and <= 1 ? probability : throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in [0, 1]");

    public RgbImage Apply(RgbImage image, Generator generator)
    {
        using var draw = Random.Uniform([1], generator);
        return draw.Item() < Probability ? PilColor.Grayscale(image) : image;
    }

    /// <summary>The same draw and pixels, written over <paramref name="image"/>.</summary>
    public void ApplyInPlace(RgbImage image, Generator generator)
    {
        using var draw = Random.Uniform([1], generator);
        if (draw.Item() < Probability) ColorKernels.GreyPerPixel(image.Pixels, image.Pixels);
    }
}
