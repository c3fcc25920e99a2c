using static Ham.Data.Images.Native.LibPngApi;

namespace Ham.Data.Images;

/// <summary>
/// PNG decode and encode through libpng's simplified API. Every colour type becomes 8-bit RGB:
/// greyscale is replicated, palettes are expanded, 16-bit channels keep their high byte, and an
/// alpha channel is dropped without compositing, exactly as PIL's <c>.convert("RGB")</c> does.
/// </summary>
public static unsafe class PngCodec
{
    /// <summary>
    /// Decodes a PNG to 8-bit RGB. libpng is asked for RGBA when the file has alpha (then the alpha
    /// byte is dropped; asking for RGB would composite onto a background) and told that 16-bit data
    /// is sRGB-encoded (PNG_IMAGE_FLAG_16BIT_sRGB), so it is scaled to 8 bits rather than
    /// gamma-encoded as if it were linear light.
    /// </summary>
    /// <param name="name">the file the bytes came from, for error messages</param>
    /// <param name="reuse">an image whose pixels may be overwritten and returned when it has the decoded size</param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string name, RgbImage? reuse = null)
    {
        var image = new PngImage { Version = ImageVersion };
        try
        {
            fixed (byte* src = data)
            {
                if (png_image_begin_read_from_memory(ref image, src, (nuint)data.Length) == 0)
                    throw new ImageFileException(name, $"not a readable PNG ({image.MessageText})");
                bool alpha = (image.Format & FormatFlagAlpha) != 0;
                int size = ImageCodec.CheckedSize(name, "PNG", image.Width, image.Height, alpha ? 4 : 3);
                int width = (int)image.Width, height = (int)image.Height; // libpng refuses sides above 1,000,000 (its default user limit)
                if ((image.Format & FormatFlagLinear) != 0) image.Flags |= Flag16BitSrgb;
                image.Format = alpha ? FormatRgba : FormatRgb;
                var pixels = !alpha && reuse is not null && reuse.Width == width && reuse.Height == height
                    ? reuse.Pixels
                    : new byte[size];
                fixed (byte* dst = pixels)
                {
                    if (png_image_finish_read(ref image, null, dst, 0, null) == 0)
                        throw new ImageFileException(name, $"corrupt or truncated PNG ({image.MessageText})");
                }
                return alpha ? DropAlpha(width, height, pixels) : pixels == reuse?.Pixels ? reuse : new RgbImage(width, height, pixels);
            }
        }
        finally
        {
            png_image_free(ref image);
        }
    }

    /// <summary>Encodes 8-bit RGB as a non-interlaced 8-bit PNG (lossless; libpng's default compression).</summary>
    public static byte[] Encode(RgbImage image)
    {
        var png = new PngImage { Version = ImageVersion, Width = (uint)image.Width, Height = (uint)image.Height, Format = FormatRgb };
        // Upper bound on the encoded size: raw rows plus a filter byte each, zlib's worst-case
        // expansion, and generous room for chunk headers, so one call normally suffices.
        long raw = (long)image.Height * (image.Width * 3L + 1);
        nuint size = checked((nuint)(raw + raw / 8 + raw / 64 + 12 * (raw / 8192 + 1) + 4096));
        var buffer = new byte[size];
        try
        {
            fixed (byte* src = image.Pixels)
            fixed (byte* dst = buffer)
            {
                if (png_image_write_to_memory(ref png, dst, ref size, 0, src, 0, null) == 0)
                    throw new InvalidOperationException($"libpng could not encode a {image.Width}x{image.Height} image: {png.MessageText}");
            }
            return buffer.AsSpan(0, checked((int)size)).ToArray();
        }
        finally
        {
            png_image_free(ref png);
        }
    }

    static RgbImage DropAlpha(int width, int height, byte[] rgba)
    {
        var rgb = new byte[(long)width * height * 3];
        for (int p = 0, q = 0; q < rgb.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }
        return new RgbImage(width, height, rgb);
    }
}
