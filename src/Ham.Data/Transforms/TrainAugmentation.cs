using Ham.Data.Images;
using Ham.Torch;
using Random = Ham.Torch.Random;

namespace Ham.Data.Transforms;

/// <summary>
/// The training augmentation DomainBed and CLIPood use: RandomResizedCrop(size, scale=(0.7, 1.0))
/// then RandomHorizontalFlip(0.5) (DomainBed datasets.py <c>augment_transform</c>, without its
/// ColorJitter and RandomGrayscale), then ToTensor and Normalize with the model's mean and std.
/// Every draw comes from the given generator, in torchvision's order: crop parameters, then the
/// flip's torch.rand(1) &lt; 0.5.
/// </summary>
public sealed class TrainAugmentation(int size, float[] mean, float[] std, double scaleMin = 0.7, double scaleMax = 1.0)
{
    readonly RandomResizedCrop crop = new(size, scaleMin, scaleMax);
    readonly float[] mean = mean.Length == 3 ? mean : throw new ArgumentException("mean needs 3 channels");
    readonly float[] std = std.Length == 3 ? std : throw new ArgumentException("std needs 3 channels");

    /// <summary>The augmented 8-bit image (before ToTensor).</summary>
    public RgbImage Apply(RgbImage image, Generator generator)
    {
        var cropped = crop.Apply(image, generator);
        using var flipDraw = Random.Uniform([1], generator);
        return flipDraw.Item() < 0.5 ? ImageOps.FlipHorizontal(cropped) : cropped;
    }

    /// <summary>The augmented image as a normalized (3, size, size) float32 tensor.</summary>
    public Tensor ApplyToTensor(RgbImage image, Generator generator) => ImageTensor.Normalized(Apply(image, generator), mean, std);
}
