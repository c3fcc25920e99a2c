using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>PNG round trips are lossless; JPEG ones lose a bounded amount; writes go through a temp file and leave no debris.</summary>
public class RoundTripTests
{
    /// <summary>A smooth gradient with a hard edge: odd size, all three channels different.</summary>
    static RgbImage Pattern(int width = 61, int height = 37)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = (y * width + x) * 3;
            image.Pixels[i] = (byte)(x * 255 / (width - 1));
            image.Pixels[i + 1] = (byte)(y * 255 / (height - 1));
            image.Pixels[i + 2] = (byte)(x < width / 2 ? 40 : 200);
        }
        return image;
    }

    [Fact]
    public void PngIsLossless()
    {
        var image = Pattern();
        var back = ImageCodec.Decode(ImageCodec.Encode(image, ImageFormat.Png), "memory.png");
        Assert.Equal((image.Width, image.Height), (back.Width, back.Height));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Theory]
    [InlineData(95, 3.0)]
    [InlineData(50, 6.0)]
    public void JpegErrorShrinksWithQuality(int quality, double maxMeanAbsError)
    {
        var image = Pattern();
        var data = ImageCodec.Encode(image, ImageFormat.Jpeg, quality);
        Assert.Equal(ImageFormat.Jpeg, ImageFormats.Detect(data));
        var back = ImageCodec.Decode(data, "memory.jpg");
        Assert.Equal((image.Width, image.Height), (back.Width, back.Height));
        double mae = image.Pixels.Zip(back.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(mae, 0.01, maxMeanAbsError); // lossy, but close
    }

    [Fact]
    public void HigherQualityIsCloserAndLarger()
    {
        var image = Pattern();
        var low = ImageCodec.Encode(image, ImageFormat.Jpeg, 30);
        var high = ImageCodec.Encode(image, ImageFormat.Jpeg, 98);
        Assert.True(high.Length > low.Length);
        double Error(byte[] d) => image.Pixels.Zip(ImageCodec.Decode(d, "m.jpg").Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(Error(high) < Error(low));
    }

    [Fact]
    public void WriteChoosesFormatByExtensionAndLeavesNoTempFiles()
    {
        string dir = Directory.CreateTempSubdirectory("ham-codec-").FullName;
        try
        {
            var image = Pattern();
            ImageCodec.Write(Path.Combine(dir, "a.png"), image);
            ImageCodec.Write(Path.Combine(dir, "sub", "b.JPG"), image, 90);
            Assert.Equal(ImageFormat.Png, ImageFormats.Detect(File.ReadAllBytes(Path.Combine(dir, "a.png"))));
            Assert.Equal(ImageFormat.Jpeg, ImageFormats.Detect(File.ReadAllBytes(Path.Combine(dir, "sub", "b.JPG"))));
            Assert.Equal(image.Pixels, ImageCodec.Read(Path.Combine(dir, "a.png")).Pixels);
            Assert.Equal(["a.png", "b.JPG"], Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Throws<ArgumentException>(() => ImageCodec.Write(Path.Combine(dir, "c.gif"), image));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void JpegQualityOutOfRangeIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCodec.Encode(Pattern(), ImageFormat.Jpeg, 0));
}
