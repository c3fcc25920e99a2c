using System.Text.Json;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Tests.Data;

/// <summary>
/// The colour transforms against torchvision 0.14 on PIL images (Pillow 9.4), bit for bit:
/// color_cases.json and color_input.png, made by make_color_cases.py.
/// </summary>
public class ColorTransformTests
{
    static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(DataTestFiles.Path("color_cases.json"))).RootElement;
    static readonly RgbImage Input = ImageCodec.Read(DataTestFiles.Path("color_input.png"));

    [Fact]
    public void EachOperationMatchesPillow()
    {
        foreach (var c in Reference.GetProperty("ops").EnumerateArray())
        {
            float factor = c.GetProperty("factor").GetSingle();
            string op = c.GetProperty("op").GetString()!;
            var output = op switch
            {
                "brightness" => PilColor.Brightness(Input, factor),
                "contrast" => PilColor.Contrast(Input, factor),
                "saturation" => PilColor.Saturation(Input, factor),
                "hue" => PilColor.Hue(Input, factor),
                "grayscale" => PilColor.Grayscale(Input),
                _ => throw new InvalidDataException(op),
            };
            Assert.True(c.GetProperty("md5").GetString() == CodecTests.Md5(output), $"{op}({factor}) differs from torchvision");
        }
    }

    [Fact]
    public void JitterDrawsAndPixelsMatchTorchvision()
    {
        var jitter = new ColorJitter(0.3, 0.3, 0.3, 0.3);
        foreach (var c in Reference.GetProperty("jitter").EnumerateArray())
        {
            using var generator = new Generator(c.GetProperty("seed").GetUInt64());
            foreach (var step in c.GetProperty("steps").EnumerateArray())
            {
                var p = jitter.SampleParameters(generator);
                Assert.Equal(step.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()), p.Order);
                var factors = step.GetProperty("factors").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                Assert.Equal(factors, new double[] { p.Brightness!.Value, p.Contrast!.Value, p.Saturation!.Value, p.Hue!.Value });
                Assert.Equal(step.GetProperty("md5").GetString(), CodecTests.Md5(ColorJitter.Apply(Input, p)));
            }
        }
    }

    [Fact]
    public void DomainBedAugmentationMatchesTorchvision()
    {
        var photo = ImageCodec.Read(SharedData.Path("data", "PACS-mini", Reference.GetProperty("photo").GetString()!));
        var augmentation = new TrainAugmentation(224, [0, 0, 0], [1, 1, 1], domainBedColor: true);
        int greys = 0;
        foreach (var c in Reference.GetProperty("domainbed").EnumerateArray())
        {
            using var generator = new Generator(c.GetProperty("seed").GetUInt64());
            foreach (var step in c.GetProperty("steps").EnumerateArray())
            {
                var box = step.GetProperty("box").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var output = augmentation.Apply(ImageOps.Crop(photo, box[0], box[1], box[2], box[3]), generator);
                Assert.Equal(step.GetProperty("md5").GetString(), CodecTests.Md5(output));
                greys += step.GetProperty("grayscale").GetBoolean() ? 1 : 0;
            }
        }
        Assert.True(greys > 0, "the reference should exercise RandomGrayscale");
    }

    [Fact]
    public void GrayscaleProbabilityOneAlwaysAndZeroNever()
    {
        using var generator = new Generator(3);
        Assert.Equal(CodecTests.Md5(PilColor.Grayscale(Input)), CodecTests.Md5(new RandomGrayscale(1).Apply(Input, generator)));
        Assert.Same(Input, new RandomGrayscale(0).Apply(Input, generator));
    }

    [Fact]
    public void BlendExtrapolationClipsAndInterpolationTruncates()
    {
        Assert.Equal(255, PilColor.Blend(0, 200, 1.3f));   // 260 clipped
        Assert.Equal(0, PilColor.Blend(100, 10, 1.3f));    // 100 + 1.3 * -90 = -17 clipped
        Assert.Equal(139, PilColor.Blend(0, 199, 0.7f));   // 139.3 truncated
        Assert.Equal(52, PilColor.Luma(10, 80, 20));       // (195950 + 3077600 + 149420 + 32768) >> 16 = 52, as PIL convert("L")
    }

    [Fact]
    public void HueOutOfRangeIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PilColor.Hue(Input, 0.6f));
}
