using Ham.Data.Images;
using Ham.Data.Transforms;

namespace Ham.Tests.Data;

/// <summary>
/// The table and vector colour paths against the per-pixel definitions they replaced, over every
/// input they can see: <see cref="PilHsv"/> (which matched Pillow's fixtures in ColorTransformTests)
/// for all 2^24 RGB colours and all 2^24 HSV triples, and Blend / Luma for all 2^24 colours and all
/// (degenerate, value) byte pairs.
/// </summary>
public class ColorFastPathTests
{
    /// <summary>A 4096 x 4096 image holding every 8-bit RGB colour once.</summary>
    static readonly Lazy<RgbImage> EveryColour = new(() =>
    {
        var image = new RgbImage(4096, 4096);
        for (int c = 0; c < 1 << 24; c++)
        {
            image.Pixels[c * 3] = (byte)(c >> 16);
            image.Pixels[c * 3 + 1] = (byte)(c >> 8);
            image.Pixels[c * 3 + 2] = (byte)c;
        }
        return image;
    });

    [Fact]
    public void RgbToHsvTablesEqualPillowsArithmeticForEveryColour()
    {
        for (int c = 0; c < 1 << 24; c++)
        {
            byte r = (byte)(c >> 16), g = (byte)(c >> 8), b = (byte)c;
            if (HueShift.FromRgb(r, g, b) != PilHsv.FromRgb(r, g, b)) Assert.Fail($"RGB ({r}, {g}, {b})");
        }
    }

    [Fact]
    public void HsvToRgbTablesEqualPillowsArithmeticForEveryTriple()
    {
        for (int c = 0; c < 1 << 24; c++)
        {
            byte h = (byte)(c >> 16), s = (byte)(c >> 8), v = (byte)c;
            if (HueShift.ToRgb(h, s, v) != PilHsv.ToRgb(h, s, v)) Assert.Fail($"HSV ({h}, {s}, {v})");
        }
    }

    [Theory]
    [InlineData(0.7f)]
    [InlineData(1.0f)]
    [InlineData(1.2999f)]
    [InlineData(0.0f)]
    [InlineData(2.5f)]
    public void SaturationEqualsPerPixelBlendForEveryColour(float factor)
    {
        var input = EveryColour.Value;
        var output = PilColor.Saturation(input, factor);
        byte[] p = input.Pixels, o = output.Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            byte grey = PilColor.Luma(p[i], p[i + 1], p[i + 2]);
            for (int c = 0; c < 3; c++)
                if (o[i + c] != PilColor.Blend(grey, p[i + c], factor)) Assert.Fail($"factor {factor}, RGB ({p[i]}, {p[i + 1]}, {p[i + 2]})");
        }
    }

    [Theory]
    [InlineData(0.7f)]
    [InlineData(0.9999f)]
    [InlineData(1.0f)]
    [InlineData(1.3f)]
    [InlineData(0.0f)]
    [InlineData(2.5f)]
    public void ConstantBlendEqualsPerByteBlendForEveryPair(float factor)
    {
        // every byte value, then 31 more so the scalar tail runs too
        var values = Enumerable.Range(0, 256 + 31).Select(v => (byte)v).ToArray();
        var output = new byte[values.Length];
        for (int degenerate = 0; degenerate < 256; degenerate++)
        {
            ColorKernels.BlendWithConstant(values, output, (byte)degenerate, factor);
            for (int i = 0; i < values.Length; i++)
                if (output[i] != PilColor.Blend(degenerate, values[i], factor)) Assert.Fail($"factor {factor}, degenerate {degenerate}, value {values[i]}");
        }
    }

    [Fact]
    public void LumaKernelsEqualPerPixelLumaForEveryColour()
    {
        var input = EveryColour.Value;
        byte[] p = input.Pixels, grey = PilColor.Grayscale(input).Pixels;
        long sum = 0;
        for (int i = 0; i < p.Length; i += 3)
        {
            byte luma = PilColor.Luma(p[i], p[i + 1], p[i + 2]);
            sum += luma;
            if (grey[i] != luma || grey[i + 1] != luma || grey[i + 2] != luma) Assert.Fail($"RGB ({p[i]}, {p[i + 1]}, {p[i + 2]})");
        }
        Assert.Equal(sum, ColorKernels.LumaSum(p));
        // a length that leaves a scalar tail after the 16-pixel steps
        Assert.Equal(PilColor.Luma(p[60], p[61], p[62]) + ColorKernels.LumaSum(p.AsSpan(0, 60)), ColorKernels.LumaSum(p.AsSpan(0, 63)));
    }

    [Fact]
    public void InPlaceEqualsIntoANewImage()
    {
        var random = new System.Random(7);
        var input = new RgbImage(97, 61);
        random.NextBytes(input.Pixels);
        foreach (var (operation, factor) in new[] { (PilColor.Operation.Brightness, 1.21f), (PilColor.Operation.Contrast, 0.77f), (PilColor.Operation.Saturation, 1.3f), (PilColor.Operation.Hue, -0.23f) })
        {
            var copy = new RgbImage(input.Width, input.Height, (byte[])input.Pixels.Clone());
            PilColor.Apply(operation, factor, copy, copy);
            var fresh = new RgbImage(input.Width, input.Height);
            PilColor.Apply(operation, factor, input, fresh);
            Assert.Equal(fresh.Pixels, copy.Pixels);
        }
    }
}
