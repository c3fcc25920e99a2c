using System.Text.Json;
using Ham.Clip.Preprocessing;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Clip;

public class PreprocessingTests
{
    /// <summary>The fixture images through our decoder and preprocessing match the reference pixel_values (to float rounding).</summary>
    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void FixtureImagesMatchTheReferencePixelValues(string model)
    {
        using var scope = new DisposeScope();
        using var json = JsonDocument.Parse(File.ReadAllText(SharedData.Path("fixtures", "clip", model, "fixture.json")));
        int resolution = json.RootElement.GetProperty("config").GetProperty("res").GetInt32();
        var images = json.RootElement.GetProperty("images").EnumerateArray()
            .Select(name => ImageCodec.Read(SharedData.Path("fixtures", "clip", "images", name.GetString()!))).ToList();
        var expected = SafetensorsFile.Load(SharedData.Path("fixtures", "clip", model, "expected.safetensors"))["pixel_values"];
        var actual = ClipPreprocessing.Batch(images, resolution);
        Assert.Equal(expected.Shape, actual.Shape);
        // Back to 0..255 units: x * std + mean, times 255.
        var std = Tensor.FromArray(ClipPreprocessing.Std, 1, 3, 1, 1);
        var difference = ((expected.To(DType.Float32) - actual) * std * 255.0).Abs().Max().Item();
        // The issue allows 2/255; decoding and resizing match libjpeg/Pillow byte for byte, so only
        // float rounding is left.
        Assert.True(difference <= 0.01, $"largest pixel difference {difference:F3}/255");
    }

    [Theory]
    [InlineData(227, 227, 224, 224, 224)]
    [InlineData(300, 200, 224, 336, 224)]   // landscape: int(224 * 300 / 200)
    [InlineData(200, 333, 224, 224, 372)]   // portrait: int(224 * 333 / 200) = 372
    public void ShorterSideBecomesTheInputSize(int width, int height, int size, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), EvalTransform.ShorterSideTo(width, height, size));

    /// <summary>torchvision's offsets: int(round((in - out) / 2)), rounding half to even (1.5 -> 2, 0.5 -> 0).</summary>
    [Theory]
    [InlineData(5, 2, 2)]   // (5 - 2) / 2 = 1.5 -> 2
    [InlineData(3, 2, 0)]   // 0.5 -> 0
    [InlineData(7, 2, 2)]   // 2.5 -> 2
    public void CentreCropOffsetsRoundHalfToEven(int width, int size, int expectedLeft)
    {
        var image = new RgbImage(width, size);
        for (int x = 0; x < width; x++) image.Pixels[x * 3] = (byte)x;
        var crop = EvalTransform.CenterCrop(image, size);
        Assert.Equal(expectedLeft, crop.Pixels[0]);
    }
}
