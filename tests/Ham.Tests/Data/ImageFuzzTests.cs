using System.Buffers.Binary;
using System.IO.Hashing;
using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>
/// The image decoders on damaged copies of real JPEG and PNG files, and on headers that claim more
/// pixels than an int holds or than the decompression-bomb limit allows.
/// </summary>
public class ImageFuzzTests
{
    /// <summary>
    /// PNG chunks carry CRC-32s, so a damaged PNG that decodes must decode to the original pixels.
    /// JPEG has no checksum: a flip in the entropy-coded data changes pixels (libjpeg, like PIL,
    /// decodes through corrupt data), and a flip in the frame header can change the size; a
    /// decoded JPEG must then still be a well-formed image within the pixel limit, and a cut one
    /// may only decode when the cut left the image whole.
    /// </summary>
    [Theory]
    [InlineData("fixtures/clip/images/sketch_5921.png", 31)]
    [InlineData("data/PACS-mini/sketch/dog/5301.png", 32)]
    [InlineData("fixtures/clip/images/art_painting_pic_001.jpg", 33)]
    [InlineData("data/PACS-mini/photo/dog/056_0001.jpg", 34)]
    public void DamagedImagesGiveACleanErrorOrAWellFormedImage(string file, int seed)
    {
        string path = SharedData.Path(file.Split('/'));
        byte[] original = File.ReadAllBytes(path);
        var expected = ImageCodec.Decode(original, path);
        bool png = file.EndsWith(".png");
        int errors = 0, decoded = 0;
        foreach (var m in Fuzzing.Mutations(original, 300, seed, (0, Math.Min(original.Length, 1024))))
        {
            try
            {
                var image = ImageCodec.Decode(m.Bytes, path);
                Assert.Equal(3L * image.Width * image.Height, image.Pixels.LongLength);
                Assert.True((long)image.Width * image.Height <= ImageCodec.MaxPixels, m.Description);
                if (png || m.Truncated)
                    Assert.True(image.Width == expected.Width && image.Height == expected.Height && image.Pixels.AsSpan().SequenceEqual(expected.Pixels), $"{m.Description}: other pixels");
                decoded++;
            }
            catch (Exception e) when (Fuzzing.IsCleanError(e, path))
            {
                errors++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{m.Description}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(errors > 50 && (png || decoded > 10), $"{errors} errors, {decoded} decoded"); // every flip of a PNG hits a CRC
    }

    static byte[] Chunk(string type, byte[] data)
    {
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typed));
        return [.. length, .. typed, .. crc];
    }

    /// <summary>A PNG whose IHDR claims width x height greyscale pixels, followed by a token IDAT.</summary>
    internal static byte[] PngHeader(uint width, uint height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth; colour type 0 (grey), no interlace
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00])];
    }

    /// <summary>A real JPEG with its frame header's height and width replaced.</summary>
    static byte[] JpegClaiming(ushort width, ushort height)
    {
        var data = File.ReadAllBytes(SharedData.Path("fixtures", "clip", "images", "art_painting_pic_001.jpg"));
        int sof = Enumerable.Range(2, data.Length - 10).First(i => data[i] == 0xFF && data[i + 1] is 0xC0 or 0xC2);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 7), width);
        return data;
    }

    /// <summary>60000 x 60000 = 3.6e9 pixels overflowed an int and killed even `ham data info`, naming no file.</summary>
    [Fact]
    public void HeadersClaimingSixtyThousandSquaredAreRefusedNamingTheFile()
    {
        foreach (var (name, data) in new[] { ("huge.png", PngHeader(60000, 60000)), ("huge.jpg", JpegClaiming(60000, 60000)) })
        {
            var e = Assert.Throws<ImageFileException>(() => ImageCodec.Decode(data, name));
            Assert.Equal(name, e.File);
            Assert.Contains("60000x60000 is 3600000000 pixels, above the limit of 178956970", e.Message);
        }
    }

    /// <summary>
    /// 20000 x 20000 = 4e8 pixels (1.2 GB decoded) is refused as Pillow refuses it, before any
    /// pixel is decoded (HAM_MAX_IMAGE_PIXELS raises the limit: CommandLineCaseTests runs that).
    /// </summary>
    [Fact]
    public void ADecompressionBombIsRefusedBeforeDecoding()
    {
        var e = Assert.Throws<ImageFileException>(() => ImageCodec.Decode(PngHeader(20000, 20000), "bomb.png"));
        Assert.Contains("20000x20000 is 400000000 pixels, above the limit", e.Reason);
        Assert.Equal(178_956_970, ImageCodec.DefaultMaxPixels);
        Assert.Equal(ImageCodec.DefaultMaxPixels, ImageCodec.MaxPixels);
    }

    /// <summary>The bomb PNG of the issue (20000 x 20000).</summary>
    internal static byte[] Bomb => PngHeader(20000, 20000);
}
