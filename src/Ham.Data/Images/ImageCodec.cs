using Ham.Data.IO;

namespace Ham.Data.Images;

/// <summary>Reads and writes image files, choosing JPEG or PNG by the data's magic bytes (read) or the path's extension (write).</summary>
public static class ImageCodec
{
    /// <summary>JPEG quality used when a caller does not choose one.</summary>
    public const int DefaultJpegQuality = 95;

    /// <summary>Decodes encoded bytes to 8-bit RGB; any failure is an <see cref="ImageFileException"/> naming <paramref name="name"/>.</summary>
    /// <param name="reuse">an image whose pixels may be overwritten and returned when it has the decoded size (a loader's buffer)</param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string name, RgbImage? reuse = null)
    {
        if (data.IsEmpty) throw new ImageFileException(name, "empty file");
        return ImageFormats.Detect(data) switch
        {
            ImageFormat.Jpeg => JpegCodec.Decode(data, name, reuse),
            ImageFormat.Png => PngCodec.Decode(data, name, reuse),
            _ => throw new ImageFileException(name, $"not a JPEG or PNG image (starts with {Convert.ToHexString(data[..Math.Min(8, data.Length)])})"),
        };
    }

    /// <summary>Reads and decodes the file at <paramref name="path"/>.</summary>
    public static RgbImage Read(string path) => Read(path, null);

    /// <summary>Reads and decodes the file at <paramref name="path"/>; <paramref name="reuse"/> as in <see cref="Decode"/>.</summary>
    public static RgbImage Read(string path, RgbImage? reuse)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(path, $"cannot be read ({e.Message})");
        }
        return Decode(data, path, reuse);
    }

    /// <summary>Encodes to the given format; <paramref name="jpegQuality"/> (1-100) applies to JPEG only.</summary>
    public static byte[] Encode(RgbImage image, ImageFormat format, int jpegQuality = DefaultJpegQuality) => format switch
    {
        ImageFormat.Jpeg => JpegCodec.Encode(image, jpegQuality),
        ImageFormat.Png => PngCodec.Encode(image),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Encodes by the extension of <paramref name="path"/> (.jpg/.jpeg/.png) and writes temp-then-rename.</summary>
    public static void Write(string path, RgbImage image, int jpegQuality = DefaultJpegQuality) =>
        AtomicFile.WriteAllBytes(path, Encode(image, ImageFormats.FromExtension(path), jpegQuality));
}
