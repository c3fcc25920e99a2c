using System.Text.Json;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Tests.Data;

/// <summary>
/// The training augmentation against torchvision 0.14 on PIL images with the same seed
/// (augmentation_cases.json, made by make_augmentation_cases.py): same regions, same pixels.
/// </summary>
public class AugmentationTests
{
    static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(DataTestFiles.Path("augmentation_cases.json"))).RootElement;
    static readonly float[] Zero = [0, 0, 0], One = [1, 1, 1];

    [Fact]
    public void RegionsAndPixelsMatchTorchvision()
    {
        var source = ImageCodec.Read(SharedData.Path("data", "PACS-mini", Reference.GetProperty("source").GetString()!));
        var augmentation = new TrainAugmentation(224, Zero, One);
        var crop = new RandomResizedCrop(224, 0.7, 1.0);
        foreach (var c in Reference.GetProperty("cases").EnumerateArray())
        {
            ulong seed = c.GetProperty("seed").GetUInt64();
            using var regions = new Generator(seed);
            using var pixels = new Generator(seed);
            foreach (var step in c.GetProperty("steps").EnumerateArray())
            {
                var box = step.GetProperty("box").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var input = ImageOps.Crop(source, box[0], box[1], box[2], box[3]);
                // get_params (i, j, h, w) = (top, left, height, width); then the flip's one draw.
                var region = crop.SampleRegion(input.Width, input.Height, regions);
                Ham.Torch.Random.Uniform([1], regions).Dispose();
                Assert.Equal(step.GetProperty("region").EnumerateArray().Select(e => e.GetInt32()), new[] { region.Top, region.Left, region.Height, region.Width });

                var output = augmentation.Apply(input, pixels);
                Assert.Equal((224, 224), (output.Width, output.Height));
                Assert.Equal(step.GetProperty("md5").GetString(), CodecTests.Md5(output));
            }
        }
    }

    [Fact]
    public void FlipMirrorsRows()
    {
        var image = new RgbImage(3, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
        var mirrored = PilResize.CropResize(image, 0, 0, 3, 2, 3, 2, ResampleFilter.Bilinear, mirror: true);
        Assert.Equal([7, 8, 9, 4, 5, 6, 1, 2, 3, 16, 17, 18, 13, 14, 15, 10, 11, 12], mirrored.Pixels);
    }

    [Fact]
    public void CropOutsideTheImageIsRejected() =>
        Assert.Throws<ArgumentException>(() => ImageOps.Crop(new RgbImage(4, 4), 2, 0, 3, 1));

    [Fact]
    public void TensorIsChwNormalized()
    {
        var image = new RgbImage(2, 1, [255, 0, 51, 0, 255, 102]);
        using var scope = new DisposeScope();
        var tensor = ImageTensor.Normalized(image, [0.5f, 0.5f, 0.5f], [0.5f, 0.25f, 1f]);
        Assert.Equal([3L, 1, 2], tensor.Shape);
        Assert.Equal([1f, -1f, -2f, 2f, 0.2f - 0.5f, 0.4f - 0.5f], tensor.ToArray<float>(), (a, b) => Math.Abs(a - b) < 1e-6);
    }
}
