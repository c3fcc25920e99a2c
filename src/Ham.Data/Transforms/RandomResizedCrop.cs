using Ham.Data.Images;
using Ham.Torch;
using Random = Ham.Torch.Random;

namespace Ham.Data.Transforms;

/// <summary>
/// torchvision's RandomResizedCrop (0.14, on PIL images): pick a region of random area fraction in
/// <see cref="ScaleMin"/>..<see cref="ScaleMax"/> and aspect ratio log-uniform in 3/4..4/3, crop it
/// and resize it to size x size with Pillow's bilinear filter (antialiased when shrinking). The
/// draws are torchvision's own, in its order and precision, from a <see cref="Generator"/>: with
/// the seed torchvision's global generator had, the crops are the same pixels.
/// </summary>
public sealed class RandomResizedCrop(int size, double scaleMin = 0.08, double scaleMax = 1.0)
{
    const double RatioMin = 3.0 / 4.0, RatioMax = 4.0 / 3.0;

    /// <summary>torch.log(torch.tensor(ratio)) as get_params computes it (float32), once.</summary>
    static readonly (double Min, double Max) LogRatio = ComputeLogRatio();

    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "must be positive");
    public double ScaleMin { get; } = scaleMin;
    public double ScaleMax { get; } = scaleMax > 0 && scaleMin <= scaleMax ? scaleMax : throw new ArgumentOutOfRangeException(nameof(scaleMax), scaleMax, $"need 0 < scale min ({scaleMin}) <= scale max");

    public RgbImage Apply(RgbImage image, Generator generator)
    {
        var (top, left, height, width) = SampleRegion(image.Width, image.Height, generator);
        return PilResize.CropResize(image, left, top, width, height, Size, Size, ResampleFilter.Bilinear);
    }

    /// <summary>
    /// <c>RandomResizedCrop.get_params</c>: up to 10 tries of target_area = area * U(scale) and
    /// aspect = exp(U(log ratio)) (float32 draws, as torch's), w = round(sqrt(area * aspect)),
    /// h = round(sqrt(area / aspect)) (Python's round: half to even); the first that fits gets a
    /// uniform top then left (torch.randint). Otherwise a centre crop clamped to the ratio range.
    /// </summary>
    public (int Top, int Left, int Height, int Width) SampleRegion(int width, int height, Generator generator)
    {
        using var scope = new DisposeScope();
        double area = (double)height * width;
        var (logMin, logMax) = LogRatio;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * Random.Uniform_(Tensor.Empty([1]), ScaleMin, ScaleMax, generator).Item();
            double aspect = Random.Uniform_(Tensor.Empty([1]), logMin, logMax, generator).Exp().Item();
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = (int)Random.Integers(0, height - h + 1, [1], generator).Item();
                int left = (int)Random.Integers(0, width - w + 1, [1], generator).Item();
                return (top, left, h, w);
            }
        }
        double inRatio = (double)width / height;
        int cw = width, ch = height;
        if (inRatio < RatioMin) ch = (int)Math.Round(cw / RatioMin, MidpointRounding.ToEven);
        else if (inRatio > RatioMax) cw = (int)Math.Round(ch * RatioMax, MidpointRounding.ToEven);
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    static (double, double) ComputeLogRatio()
    {
        using var scope = new DisposeScope();
        var logRatio = Tensor.FromArray(new float[] { (float)RatioMin, (float)RatioMax }, 2).Log();
        return (logRatio.Narrow(0, 0, 1).Item(), logRatio.Narrow(0, 1, 1).Item());
    }
}
