using Ham.Torch.Serialization;

namespace Ham.Data.Images;

/// <summary>Reads and writes image files, choosing JPEG or PNG by the data's magic bytes (read) or the path's extension (write).</summary>
public static class ImageCodec
{
    /// <summary>JPEG quality used when a caller does not choose one.</summary>
    public const int DefaultJpegQuality = 95;

    /// <summary>
    /// Pillow's decompression-bomb limit: above Image.MAX_IMAGE_PIXELS = 1024^3 / 4 / 3 pixels
    /// (89,478,485: a quarter GiB of RGB) it warns, above twice that it refuses the file
    /// (PIL/Image.py, _decompression_bomb_check). Ham refuses above twice that too: a 1 MB PNG
    /// can claim 20000 x 20000 pixels and would decode to 1.2 GB.
    /// </summary>
    public const long DefaultMaxPixels = 2 * (1024L * 1024 * 1024 / 4 / 3);

    /// <summary>The most pixels an image may have; HAM_MAX_IMAGE_PIXELS sets it for a process.</summary>
    public static long MaxPixels { get; } = MaxPixelsFromEnvironment();

    static long MaxPixelsFromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable("HAM_MAX_IMAGE_PIXELS");
        if (string.IsNullOrEmpty(value)) return DefaultMaxPixels;
        return long.TryParse(value, out long limit) && limit > 0 ? limit
            : throw new ArgumentException($"HAM_MAX_IMAGE_PIXELS must be a positive integer, got '{value}'");
    }

    /// <summary>
    /// The bytes of a width x height image of <paramref name="channels"/> channels, once its header is
    /// read and before anything is allocated: dimensions in 64 bits, at most <see cref="MaxPixels"/>
    /// pixels, and within one .NET array.
    /// </summary>
    internal static int CheckedSize(string name, string format, long width, long height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ImageFileException(name, $"its {format} header claims {width}x{height} pixels");
        long pixels = width * height; // both below 2^32, so no overflow
        if (pixels > MaxPixels)
            throw new ImageFileException(name, $"{width}x{height} is {pixels} pixels, above the limit of {MaxPixels} (a decompression bomb?); set HAM_MAX_IMAGE_PIXELS to allow more");
        long bytes = pixels * channels;
        if (bytes > Array.MaxLength) throw new ImageFileException(name, $"{width}x{height} pixels need {bytes} bytes, more than one array holds");
        return (int)bytes;
    }

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
            InputFile.Require(path, "image"); // a link to a device or a pipe would be read forever
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
        OutputFile.WriteAllBytes(path, Encode(image, ImageFormats.FromExtension(path), jpegQuality));
}
