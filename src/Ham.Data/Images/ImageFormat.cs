namespace Ham.Data.Images;

/// <summary>The encoded image formats Ham reads and writes.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
}

/// <summary>Recognises a format by its leading bytes, not by the file's extension (which can lie).</summary>
public static class ImageFormats
{
    static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// JPEG: SOI marker followed by the start of another marker (FF D8 FF, JFIF/Exif/raw alike);
    /// PNG: the 8-byte PNG signature (PNG spec section 5.2). Null when neither matches.
    /// </summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.StartsWith(PngSignature)) return ImageFormat.Png;
        return null;
    }

    /// <summary>The format an output path asks for by its extension (.jpg/.jpeg or .png, any case).</summary>
    public static ImageFormat FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => ImageFormat.Jpeg,
        ".png" => ImageFormat.Png,
        var ext => throw new ArgumentException($"{path}: cannot write images with extension '{ext}'; use .jpg, .jpeg or .png"),
    };
}
