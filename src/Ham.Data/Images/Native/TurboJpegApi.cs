using System.Runtime.InteropServices;

namespace Ham.Data.Images.Native;

/// <summary>
/// The TurboJPEG 2.x API of libjpeg-turbo (turbojpeg.h), bound by P/Invoke. A handle is not
/// thread-safe; callers create one per call. <c>unsigned long</c> is 64-bit on LP64 Linux, hence nuint.
/// </summary>
static unsafe class TurboJpegApi
{
    const string Lib = "libturbojpeg.so.0";

    public const int PixelFormatRgb = 0;   // TJPF_RGB
    public const int PixelFormatCmyk = 11; // TJPF_CMYK
    public const int ColorspaceCmyk = 3;   // TJCS_CMYK
    public const int ColorspaceYcck = 4;   // TJCS_YCCK
    public const int Subsampling420 = 2;   // TJSAMP_420
    public const int ErrorFatal = 1;       // TJERR_FATAL (TJERR_WARNING = 0)

    [DllImport(Lib)] public static extern nint tjInitDecompress();
    [DllImport(Lib)] public static extern nint tjInitCompress();
    [DllImport(Lib)] public static extern int tjDestroy(nint handle);

    [DllImport(Lib)]
    public static extern int tjDecompressHeader3(nint handle, byte* jpegBuf, nuint jpegSize,
        out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [DllImport(Lib)]
    public static extern int tjDecompress2(nint handle, byte* jpegBuf, nuint jpegSize,
        byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [DllImport(Lib)]
    public static extern int tjCompress2(nint handle, byte* srcBuf, int width, int pitch, int height, int pixelFormat,
        ref byte* jpegBuf, ref nuint jpegSize, int jpegSubsamp, int jpegQual, int flags);

    [DllImport(Lib)] public static extern void tjFree(byte* buffer);
    [DllImport(Lib)] public static extern byte* tjGetErrorStr2(nint handle);
    [DllImport(Lib)] public static extern int tjGetErrorCode(nint handle);

    /// <summary>The last error or warning message of <paramref name="handle"/>.</summary>
    public static string ErrorMessage(nint handle) => Marshal.PtrToStringUTF8((nint)tjGetErrorStr2(handle)) ?? "unknown TurboJPEG error";
}
