using System.Runtime.InteropServices;

namespace Ham.Data.Images.Native;

/// <summary>
/// libpng 1.6's simplified API (png.h, "SIMPLIFIED API"), bound by P/Invoke. <see cref="PngImage"/>
/// mirrors <c>png_image</c> field for field; a reader keeps the encoded bytes pinned from
/// begin_read to finish_read because libpng reads them lazily.
/// </summary>
static unsafe class LibPngApi
{
    const string Lib = "libpng16.so.16";

    public const uint ImageVersion = 1;           // PNG_IMAGE_VERSION
    public const uint FormatFlagAlpha = 0x01;     // PNG_FORMAT_FLAG_ALPHA
    public const uint FormatFlagLinear = 0x04;    // PNG_FORMAT_FLAG_LINEAR (file has 16-bit channels)
    public const uint FormatRgb = 0x02;           // PNG_FORMAT_RGB
    public const uint FormatRgba = 0x03;          // PNG_FORMAT_RGBA
    public const uint Flag16BitSrgb = 0x04;       // PNG_IMAGE_FLAG_16BIT_sRGB

    [StructLayout(LayoutKind.Sequential)]
    public struct PngImage
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];

        /// <summary>PNG_IMAGE_FAILED: the low two bits of warning_or_error are 2 or 3.</summary>
        public readonly bool Failed => (WarningOrError & 3) > 1;

        public readonly string MessageText
        {
            get
            {
                fixed (byte* m = Message) return Marshal.PtrToStringUTF8((nint)m) ?? "";
            }
        }
    }

    [DllImport(Lib)] public static extern int png_image_begin_read_from_memory(ref PngImage image, byte* memory, nuint size);

    [DllImport(Lib)]
    public static extern int png_image_finish_read(ref PngImage image, void* background, byte* buffer, int rowStride, void* colormap);

    [DllImport(Lib)]
    public static extern int png_image_write_to_memory(ref PngImage image, byte* memory, ref nuint memoryBytes,
        int convertTo8Bit, byte* buffer, int rowStride, void* colormap);

    [DllImport(Lib)] public static extern void png_image_free(ref PngImage image);
}
