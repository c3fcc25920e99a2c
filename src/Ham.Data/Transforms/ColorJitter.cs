using Ham.Data.Images;
using Ham.Torch;
using Random = Ham.Torch.Random;

namespace Ham.Data.Transforms;

/// <summary>
/// torchvision 0.14's ColorJitter(brightness, contrast, saturation, hue) on PIL images: factors
/// drawn uniformly from [max(0, 1 - b), 1 + b], [max(0, 1 - c), 1 + c], [max(0, 1 - s), 1 + s]
/// and [-h, h], applied in a random order. DomainBed uses ColorJitter(0.3, 0.3, 0.3, 0.3)
/// (domainbed/datasets.py, augment_transform). The draws are torchvision's get_params, in its
/// order and precision, from a <see cref="Generator"/>: torch.randperm(4), then one float32
/// uniform_ per enabled factor (brightness, contrast, saturation, hue).
/// </summary>
public sealed class ColorJitter
{
    readonly (double Min, double Max)? brightness, contrast, saturation, hue;

    public ColorJitter(double brightness, double contrast, double saturation, double hue)
    {
        this.brightness = AroundOne(brightness, nameof(brightness));
        this.contrast = AroundOne(contrast, nameof(contrast));
        this.saturation = AroundOne(saturation, nameof(saturation));
        if (hue < 0 || hue > 0.5) throw new ArgumentOutOfRangeException(nameof(hue), hue, "hue jitter must be in [0, 0.5]");
        this.hue = hue == 0 ? null : (-hue, hue);
    }

    /// <summary>The order (a permutation of 0 = brightness, 1 = contrast, 2 = saturation, 3 = hue) and the factors; null where disabled.</summary>
    public sealed record Parameters(int[] Order, float? Brightness, float? Contrast, float? Saturation, float? Hue);

    /// <summary><c>ColorJitter.get_params</c>: randperm(4), then torch.empty(1).uniform_(min, max) per enabled factor.</summary>
    public Parameters SampleParameters(Generator generator)
    {
        using var permutation = Random.Permutation(4, generator);
        var order = permutation.ToArray<long>().Select(i => (int)i).ToArray();
        return new Parameters(order, Draw(brightness, generator), Draw(contrast, generator), Draw(saturation, generator), Draw(hue, generator));
    }

    public RgbImage Apply(RgbImage image, Generator generator) => Apply(image, SampleParameters(generator));

    /// <summary>The same draws and pixels, written over <paramref name="image"/>.</summary>
    public void ApplyInPlace(RgbImage image, Generator generator) => Run(SampleParameters(generator), image, image);

    /// <summary>The jittered image (a new one unless every factor is disabled).</summary>
    public static RgbImage Apply(RgbImage image, Parameters parameters)
    {
        if (parameters is { Brightness: null, Contrast: null, Saturation: null, Hue: null }) return image;
        var result = new RgbImage(image.Width, image.Height);
        Run(parameters, image, result);
        return result;
    }

    /// <summary>The enabled operations in the drawn order: the first reads <paramref name="source"/>, each writes <paramref name="destination"/>, the rest work on it in place.</summary>
    static void Run(Parameters parameters, RgbImage source, RgbImage destination)
    {
        foreach (int op in parameters.Order)
        {
            float? factor = op switch { 0 => parameters.Brightness, 1 => parameters.Contrast, 2 => parameters.Saturation, _ => parameters.Hue };
            if (factor is not float f) continue;
            PilColor.Apply((PilColor.Operation)op, f, source, destination);
            source = destination;
        }
    }

    static float? Draw((double Min, double Max)? range, Generator generator)
    {
        if (range is not var (min, max)) return null;
        using var draw = Random.Uniform_(Tensor.Empty([1]), min, max, generator);
        return (float)draw.Item();
    }

    /// <summary>torchvision's _check_input for a single number: [max(0, 1 - v), 1 + v]; 0 disables the factor.</summary>
    static (double, double)? AroundOne(double value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} jitter must be non-negative");
        return value == 0 ? null : (Math.Max(0, 1 - value), 1 + value);
    }
}
