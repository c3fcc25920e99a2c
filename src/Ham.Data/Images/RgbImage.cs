namespace Ham.Data.Images;

/// <summary>
/// An 8-bit RGB image in row-major, interleaved order (R, G, B per pixel, no row padding): what the
/// codecs decode to and encode from, and what the synthetic benchmark draws into.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        if (pixels.LongLength != 3L * width * height)
            throw new ArgumentException($"a {width}x{height} RGB image needs {3L * width * height} bytes, got {pixels.Length}");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public RgbImage(int width, int height) : this(width, height, new byte[3L * Math.Max(width, 0) * Math.Max(height, 0)]) { }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }
}
