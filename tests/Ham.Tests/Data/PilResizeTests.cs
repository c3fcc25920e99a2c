using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>
/// PilResize against Pillow 9.4's Image.resize on a patterned image with sharp edges (so the
/// bicubic overshoot is clipped): sums and position-weighted sums of the output bytes, computed
/// once with Pillow and kept here.
/// </summary>
public class PilResizeTests
{
    static RgbImage Pattern(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                    image.Pixels[(y * width + x) * 3 + c] = (byte)((x * x * 3 + y * 7 + c * 50 + x * y % 13 * 9) % 256);
        return image;
    }

    [Theory]
    [InlineData(61, 47, 23, 17, ResampleFilter.Bicubic, 148472L, 87281877L)]
    [InlineData(61, 47, 23, 17, ResampleFilter.Bilinear, 148461L, 87264238L)]
    [InlineData(20, 30, 45, 71, ResampleFilter.Bicubic, 1212746L, 1511470803L)]
    [InlineData(64, 40, 32, 77, ResampleFilter.Bicubic, 937376L, 1331043026L)]
    [InlineData(227, 227, 32, 32, ResampleFilter.Bicubic, 391247L, 600650472L)]
    public void MatchesPillowByteForByte(int width, int height, int outWidth, int outHeight, ResampleFilter filter, long sum, long weightedSum)
    {
        var resized = PilResize.Resize(Pattern(width, height), outWidth, outHeight, filter);
        Assert.Equal((outWidth, outHeight), (resized.Width, resized.Height));
        long total = 0, weighted = 0;
        for (int i = 0; i < resized.Pixels.Length; i++)
        {
            total += resized.Pixels[i];
            weighted = (weighted + (long)(i + 1) * resized.Pixels[i]) % (1L << 31);
        }
        Assert.Equal(sum, total);
        Assert.Equal(weightedSum, weighted);
    }
}
