using Ham.Data.Images.Native;
using static Ham.Data.Images.Native.TurboJpegApi;

namespace Ham.Data.Images;

/// <summary>
/// JPEG decode and encode through libjpeg-turbo's TurboJPEG API, producing the same pixels as
/// PIL's <c>Image.open(f).convert("RGB")</c> (PIL decodes with the same libjpeg-turbo, ISLOW DCT and
/// fancy upsampling, which are also TurboJPEG's defaults).
/// </summary>
public static unsafe class JpegCodec
{
    /// <summary>
    /// libjpeg's JWRN_JPEG_EOF: the data ended before the EOI marker and libjpeg padded the rest with
    /// grey. PIL refuses such a file ("image file is truncated"), so Ham does too; libjpeg's other
    /// warnings (extraneous bytes, corrupt-but-decodable data) PIL ignores, and so does Ham.
    /// </summary>
    const string TruncatedWarning = "Premature end of JPEG file";

    /// <summary>
    /// Decodes a JPEG to 8-bit RGB. Greyscale and YCbCr files are converted by libjpeg; CMYK and YCCK
    /// files are read as CMYK and converted by <see cref="CmykToRgb"/>.
    /// </summary>
    /// <param name="name">the file the bytes came from, for error messages</param>
    /// <param name="reuse">an image whose pixels may be overwritten and returned when it has the decoded size</param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string name, RgbImage? reuse = null)
    {
        nint handle = tjInitDecompress();
        if (handle == 0) throw new ImageFileException(name, "TurboJPEG could not create a decompressor");
        try
        {
            fixed (byte* src = data)
            {
                if (tjDecompressHeader3(handle, src, (nuint)data.Length, out int width, out int height, out _, out int colorspace) != 0)
                    throw new ImageFileException(name, $"not a readable JPEG ({ErrorMessage(handle)})");
                bool cmyk = colorspace is ColorspaceCmyk or ColorspaceYcck;
                int size = ImageCodec.CheckedSize(name, "JPEG", width, height, cmyk ? 4 : 3);
                var pixels = !cmyk && reuse is not null && reuse.Width == width && reuse.Height == height
                    ? reuse.Pixels
                    : new byte[size];
                fixed (byte* dst = pixels)
                {
                    if (tjDecompress2(handle, src, (nuint)data.Length, dst, width, 0, height, cmyk ? PixelFormatCmyk : PixelFormatRgb, 0) != 0)
                        ThrowUnlessBenignWarning(handle, name);
                }
                return cmyk ? CmykToRgb(width, height, pixels, HasAdobeMarker(data)) : pixels == reuse?.Pixels ? reuse : new RgbImage(width, height, pixels);
            }
        }
        finally
        {
            tjDestroy(handle);
        }
    }

    /// <summary>Encodes 8-bit RGB as a baseline JPEG with 4:2:0 chroma subsampling (PIL's default) at the given quality (1-100).</summary>
    public static byte[] Encode(RgbImage image, int quality)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality must be 1..100");
        nint handle = tjInitCompress();
        if (handle == 0) throw new InvalidOperationException("TurboJPEG could not create a compressor");
        byte* jpeg = null;
        try
        {
            nuint size = 0;
            fixed (byte* src = image.Pixels)
            {
                if (tjCompress2(handle, src, image.Width, 0, image.Height, PixelFormatRgb, ref jpeg, ref size, Subsampling420, quality, 0) != 0)
                    throw new InvalidOperationException($"TurboJPEG could not encode a {image.Width}x{image.Height} image: {ErrorMessage(handle)}");
            }
            return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
        }
        finally
        {
            if (jpeg != null) tjFree(jpeg);
            tjDestroy(handle);
        }
    }

    static void ThrowUnlessBenignWarning(nint handle, string name)
    {
        string message = ErrorMessage(handle);
        if (tjGetErrorCode(handle) == ErrorFatal) throw new ImageFileException(name, $"corrupt JPEG ({message})");
        if (message.Contains(TruncatedWarning, StringComparison.Ordinal)) throw new ImageFileException(name, $"truncated JPEG ({message})");
    }

    /// <summary>
    /// CMYK to RGB as PIL's <c>cmyk2rgb</c> (libImaging/Convert.c): R = (255-K) - round(C (255-K) / 255),
    /// likewise G from M and B from Y. Adobe applications store CMYK inverted; PIL reads files that
    /// carry the Adobe APP14 marker as "CMYK;I", so those channels are inverted first.
    /// </summary>
    static RgbImage CmykToRgb(int width, int height, byte[] cmyk, bool inverted)
    {
        var rgb = new byte[(long)width * height * 3];
        for (int p = 0, q = 0; q < rgb.Length; p += 4, q += 3)
        {
            int k = inverted ? 255 - cmyk[p + 3] : cmyk[p + 3];
            int nk = 255 - k;
            for (int c = 0; c < 3; c++)
            {
                int v = inverted ? 255 - cmyk[p + c] : cmyk[p + c];
                rgb[q + c] = (byte)Math.Clamp(nk - MulDiv255(v, nk), 0, 255);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>round(a*b/255) computed as PIL's MULDIV255 macro: t = a*b + 128; ((t >> 8) + t) >> 8.</summary>
    static int MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /// <summary>
    /// Whether the marker segments before the first scan include an APP14 segment starting "Adobe"
    /// (JPEG segment syntax: FF, marker byte, 2-byte big-endian length that includes itself).
    /// </summary>
    static bool HasAdobeMarker(ReadOnlySpan<byte> data)
    {
        int pos = 2;
        while (pos + 4 <= data.Length && data[pos] == 0xFF)
        {
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker == 0xDA) return false;         // start of scan: headers are over
            int length = (data[pos + 2] << 8) | data[pos + 3];
            if (marker == 0xEE && length >= 7 && pos + 9 <= data.Length && data.Slice(pos + 4, 5).SequenceEqual("Adobe"u8)) return true;
            pos += 2 + length;
        }
        return false;
    }
}
