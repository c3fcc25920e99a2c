using Ham.Data.Images;
using Ham.Data.Transforms;

namespace Ham.Tests.Data;

/// <summary>
/// The fused crop + resize + flip (vector passes, slid windows, identity pass for a bare mirror)
/// against the plain definition it replaced: crop, then Pillow's two passes written out with
/// per-output windows exactly as Resample.c, then a pixel-by-pixel mirror. The plain version is the
/// one that matched Pillow's fixtures (PilResizeTests, AugmentationTests) before the fast path.
/// </summary>
public class CropResizeTests
{
    [Theory]
    [InlineData(ResampleFilter.Bilinear)]
    [InlineData(ResampleFilter.Bicubic)]
    public void EqualsCropThenResizeThenFlip(ResampleFilter filter)
    {
        var random = new System.Random(4);
        for (int trial = 0; trial < 300; trial++)
        {
            var image = Noise(random.Next(1, 90), random.Next(1, 90), random);
            int cropWidth = random.Next(1, image.Width + 1), cropHeight = random.Next(1, image.Height + 1);
            int left = random.Next(0, image.Width - cropWidth + 1), top = random.Next(0, image.Height - cropHeight + 1);
            // Sizes up, down and equal on each axis, as a random crop resized to a fixed size gives.
            int width = random.Next(3) == 0 ? cropWidth : random.Next(1, 120), height = random.Next(3) == 0 ? cropHeight : random.Next(1, 120);
            bool mirror = random.Next(2) == 0;
            var expected = Reference(ImageOps.Crop(image, left, top, cropWidth, cropHeight), width, height, filter);
            if (mirror) expected = Mirror(expected);
            var actual = PilResize.CropResize(image, left, top, cropWidth, cropHeight, width, height, filter, mirror);
            Assert.True(expected.Pixels.AsSpan().SequenceEqual(actual.Pixels),
                $"{image.Width}x{image.Height} crop {cropWidth}x{cropHeight} at ({left}, {top}) to {width}x{height}, {filter}, mirror {mirror}");
        }
    }

    [Fact]
    public void CropOutsideTheImageIsRejected() =>
        Assert.Throws<ArgumentException>(() => PilResize.CropResize(new RgbImage(4, 4), 2, 0, 3, 1, 8, 8, ResampleFilter.Bilinear));

    static RgbImage Noise(int width, int height, System.Random random)
    {
        var image = new RgbImage(width, height);
        random.NextBytes(image.Pixels);
        return image;
    }

    static RgbImage Mirror(RgbImage image)
    {
        var mirrored = new RgbImage(image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                for (int c = 0; c < 3; c++)
                    mirrored.Pixels[(y * image.Width + image.Width - 1 - x) * 3 + c] = image.Pixels[(y * image.Width + x) * 3 + c];
        return mirrored;
    }

    const int PrecisionBits = 22;

    static RgbImage Reference(RgbImage image, int width, int height, ResampleFilter filter)
    {
        var result = image;
        if (width != image.Width) result = Pass(result, width, Windows(image.Width, width, filter), horizontal: true);
        if (height != image.Height) result = Pass(result, height, Windows(image.Height, height, filter), horizontal: false);
        return result;
    }

    static (int First, int[] Weights)[] Windows(int inSize, int outSize, ResampleFilter filter)
    {
        double support = filter == ResampleFilter.Bilinear ? 1 : 2;
        double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var windows = new (int, int[])[outSize];
        for (int x = 0; x < outSize; x++)
        {
            double center = (x + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int count = Math.Min((int)(center + support + 0.5), inSize) - min;
            var w = new double[count];
            double total = 0;
            for (int i = 0; i < count; i++) total += w[i] = Filter(filter, (i + min - center + 0.5) / filterScale);
            windows[x] = (min, w.Select(v => total != 0 ? v / total : v).Select(v => (int)(v * (1 << PrecisionBits) + (v < 0 ? -0.5 : 0.5))).ToArray());
        }
        return windows;
    }

    static double Filter(ResampleFilter filter, double x)
    {
        x = Math.Abs(x);
        if (filter == ResampleFilter.Bilinear) return x < 1 ? 1 - x : 0;
        const double a = -0.5;
        return x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
    }

    static RgbImage Pass(RgbImage image, int size, (int First, int[] Weights)[] windows, bool horizontal)
    {
        var output = horizontal ? new RgbImage(size, image.Height) : new RgbImage(image.Width, size);
        for (int y = 0; y < output.Height; y++)
            for (int x = 0; x < output.Width; x++)
                for (int c = 0; c < 3; c++)
                {
                    var (first, weights) = windows[horizontal ? x : y];
                    int sum = 1 << (PrecisionBits - 1);
                    for (int i = 0; i < weights.Length; i++)
                    {
                        int sx = horizontal ? first + i : x, sy = horizontal ? y : first + i;
                        sum += image.Pixels[(sy * image.Width + sx) * 3 + c] * weights[i];
                    }
                    output.Pixels[(y * output.Width + x) * 3 + c] = (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
                }
        return output;
    }
}
