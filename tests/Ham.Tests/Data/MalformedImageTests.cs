using Ham.Data.Images;

namespace Ham.Tests.Data;

/// <summary>Bad files are an <see cref="ImageFileException"/> that names the file, never a crash or a silent grey image.</summary>
public class MalformedImageTests
{
    static byte[] Bytes(string name) => File.ReadAllBytes(DataTestFiles.Path("codec", name));

    static void AssertRejected(byte[] data, string expectedReason)
    {
        const string name = "some/dir/bad-file.xyz";
        var e = Assert.Throws<ImageFileException>(() => ImageCodec.Decode(data, name));
        Assert.Equal(name, e.File);
        Assert.StartsWith(name + ": ", e.Message);
        Assert.Contains(expectedReason, e.Reason);
    }

    [Theory]
    [InlineData("rgb420.jpg")]
    [InlineData("progressive.jpg")]
    public void TruncatedJpeg(string file)
    {
        var data = Bytes(file);
        AssertRejected(data[..(data.Length * 2 / 3)], "JPEG");
        AssertRejected(data[..^2], "truncated JPEG"); // only the EOI marker missing
    }

    [Fact]
    public void JpegWithOnlyItsHeaderStart() => AssertRejected(Bytes("rgb420.jpg")[..20], "JPEG");

    [Theory]
    [InlineData("rgb.png")]
    [InlineData("palette.png")]
    public void TruncatedPng(string file)
    {
        var data = Bytes(file);
        AssertRejected(data[..(data.Length / 2)], "PNG");
        AssertRejected(data[..30], "PNG"); // inside IHDR
    }

    /// <summary>All pixel data present but the IEND chunk cut off: PIL reads such a file, and so does Ham.</summary>
    [Fact]
    public void PngMissingOnlyIendStillDecodes()
    {
        var data = Bytes("rgb.png");
        Assert.Equal(ImageCodec.Decode(data, "whole.png").Pixels, ImageCodec.Decode(data[..^12], "cut.png").Pixels);
    }

    [Fact]
    public void PngWithBadCrc()
    {
        var data = Bytes("rgb.png");
        data[40] ^= 0x55; // inside the first IDAT's compressed data
        AssertRejected(data, "PNG");
    }

    [Fact]
    public void RandomBytes()
    {
        var data = new byte[4096];
        new System.Random(7).NextBytes(data);
        data[0] = 0x42; // not FF or 89, so neither magic can match by chance
        AssertRejected(data, "not a JPEG or PNG");
    }

    [Fact]
    public void RandomBytesAfterAJpegMagic()
    {
        var data = new byte[4096];
        new System.Random(8).NextBytes(data);
        data[0] = 0xFF; data[1] = 0xD8; data[2] = 0xFF;
        AssertRejected(data, "JPEG");
    }

    [Fact]
    public void EmptyFile() => AssertRejected([], "empty file");

    [Fact]
    public void TextFile() => AssertRejected("hello, not an image\n"u8.ToArray(), "not a JPEG or PNG");

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ham-missing-{Guid.NewGuid():N}.jpg");
        var e = Assert.Throws<ImageFileException>(() => ImageCodec.Read(path));
        Assert.Equal(path, e.File);
    }
}
