using Ham.Data.Images;
using Ham.Torch;
using Random = Ham.Torch.Random;

namespace Ham.Data.Transforms;

/// <summary>
/// The training augmentation of DomainBed and CLIPood. CLIPood's (and Ham's default):
/// RandomResizedCrop(size, scale=(0.7, 1.0)) then RandomHorizontalFlip(0.5). DomainBed's
/// (domainbed/datasets.py <c>augment_transform</c>, with <paramref name="domainBedColor"/>) adds
/// ColorJitter(0.3, 0.3, 0.3, 0.3) and RandomGrayscale(0.1) after the flip. Then ToTensor and
/// Normalize with the model's mean and std. Every draw comes from the given generator, in
/// torchvision's order: crop parameters, the flip's torch.rand(1) &lt; 0.5, then (DomainBed) the
/// jitter's randperm(4) and four factors, then the grayscale's torch.rand(1) &lt; 0.1.
/// </summary>
public sealed class TrainAugmentation(int size, float[] mean, float[] std, bool domainBedColor = false, double scaleMin = 0.7, double scaleMax = 1.0) : ISampleTransform
{
    readonly RandomResizedCrop crop = new(size, scaleMin, scaleMax);
    readonly ColorJitter? jitter = domainBedColor ? new ColorJitter(0.3, 0.3, 0.3, 0.3) : null;
    readonly RandomGrayscale? grayscale = domainBedColor ? new RandomGrayscale(0.1) : null;
    readonly float[] mean = mean.Length == 3 ? mean : throw new ArgumentException("mean needs 3 channels");
    readonly float[] std = std.Length == 3 ? std : throw new ArgumentException("std needs 3 channels");

    public int Size => crop.Size;

    public bool IsRandom => true;

    /// <summary>The augmented 8-bit image (before ToTensor).</summary>
    public RgbImage Apply(RgbImage image, Generator generator) => Augment(image, generator, new RgbImage(Size, Size));

    /// <summary>The augmented image as a normalized (3, size, size) float32 tensor.</summary>
    public Tensor ApplyToTensor(RgbImage image, Generator generator) => ImageTensor.Normalized(Apply(image, generator), mean, std);

    /// <summary>
    /// The augmented image, normalized CHW, into <paramref name="destination"/> (3 * size * size
    /// floats): a loader's batch slot. The 8-bit image in between is this thread's scratch, reused
    /// from sample to sample, so a loader allocates no image per sample here.
    /// </summary>
    public void ApplyInto(RgbImage image, Generator? generator, Span<float> destination)
    {
        if (generator is null) throw new ArgumentNullException(nameof(generator), "the training augmentation draws from a generator");
        if (scratch is null || scratch.Width != Size || scratch.Height != Size) scratch = new RgbImage(Size, Size);
        ImageTensor.WriteNormalized(Augment(image, generator, scratch), mean, std, destination);
    }

    [ThreadStatic] static RgbImage? scratch;

    /// <summary>Every step into <paramref name="output"/> (size x size): the crop, resize and flip in one resampling (same pixels as the three steps), then the colour steps in place.</summary>
    RgbImage Augment(RgbImage image, Generator generator, RgbImage output)
    {
        var (top, left, height, width) = crop.SampleRegion(image.Width, image.Height, generator);
        bool flip;
        using (var flipDraw = Random.Uniform([1], generator)) flip = flipDraw.Item() < 0.5;
        PilResize.CropResizeInto(image, left, top, width, height, output, ResampleFilter.Bilinear, mirror: flip);
        jitter?.ApplyInPlace(output, generator);
        grayscale?.ApplyInPlace(output, generator);
        return output;
    }
}
