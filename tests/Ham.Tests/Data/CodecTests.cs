using System.Security.Cryptography;
using System.Text.Json;
using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>
/// Decodes images of every colour type against PIL's <c>.convert("RGB")</c> (codec_expected.json,
/// made by make_codec_cases.py), and checks encode/decode round trips.
/// </summary>
public class CodecTests
{
    public static TheoryData<string> Cases() => new(ReadExpected().Keys.Order(StringComparer.Ordinal));

    static Dictionary<string, JsonElement> ReadExpected() =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(DataTestFiles.Path("codec_expected.json")))!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecodeMatchesPil(string name)
    {
        var expected = ReadExpected()[name];
        var image = ImageCodec.Read(DataTestFiles.Path("codec", name));
        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(expected.GetProperty("sum").EnumerateArray().Select(e => e.GetInt64()).ToArray(), ChannelSums(image));
        Assert.Equal(expected.GetProperty("md5").GetString(), Md5(image));
    }

    public static long[] ChannelSums(RgbImage image)
    {
        var sums = new long[3];
        for (int i = 0; i < image.Pixels.Length; i++) sums[i % 3] += image.Pixels[i];
        return sums;
    }

    public static string Md5(RgbImage image) => Convert.ToHexStringLower(MD5.HashData(image.Pixels));
}
