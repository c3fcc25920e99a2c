using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ham.Data.Images;

/// <summary>
/// The two passes of <see cref="PilResize"/> over interleaved 8-bit RGB. Each output value is
/// clip8((Half + sum_i input_i * weight_i) >> PrecisionBits) in int32, as Pillow's
/// <c>ImagingResampleHorizontal_8bpc</c> / <c>Vertical_8bpc</c>. The vector paths do the same
/// integer arithmetic lane by lane (widen bytes to int32, multiply, add, arithmetic shift, clamp),
/// so they give the scalar result exactly; integer addition is associative, so the order of the
/// terms does not matter either.
/// </summary>
static unsafe class ResamplePasses
{
    /// <summary>
    /// Resamples <paramref name="rowCount"/> rows along x. Row y of the input starts at
    /// <paramref name="source"/>[offset + y * stride]; output rows are packed (coefficients.OutSize * 3 bytes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static void Horizontal(byte[] source, int offset, int stride, int rowCount, byte[] destination, ResampleCoefficients coefficients)
    {
        int outRow = coefficients.OutSize * 3;
        // The vector path loads 4 bytes per pixel (RGB and the next pixel's R); only a row whose
        // last pixel read is the buffer's last pixel cannot, and takes the scalar path.
        int lastRead = (coefficients.EndInput - 1) * 3;
        fixed (byte* src = source, dst = destination)
        fixed (int* start = coefficients.Start, weights = coefficients.Weights)
        {
            for (int y = 0; y < rowCount; y++)
            {
                int rowStart = offset + y * stride;
                if (Vector128.IsHardwareAccelerated && rowStart + lastRead + 4 <= source.Length)
                    RowVector(src + rowStart, dst + y * outRow, start, weights, coefficients.Taps, coefficients.OutSize);
                else
                    RowScalar(src + rowStart, dst + y * outRow, start, weights, coefficients.Taps, coefficients.OutSize);
            }
        }
    }

    /// <summary>One pixel (R, G, B, ignored) per 128-bit vector of int32 sums; each pixel is stored as 4 bytes, the 4th overwritten by the next pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RowVector(byte* src, byte* dst, int* start, int* weights, int taps, int outSize)
    {
        for (int x = 0; x < outSize; x++)
        {
            byte* p = src + start[x] * 3;
            int* w = weights + x * taps;
            var sum = Vector128.Create(ResampleCoefficients.Half);
            for (int i = 0; i < taps; i++)
            {
                var pixel = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(p + i * 3)).AsByte();
                sum += Vector128.WidenLower(Vector128.WidenLower(pixel)).AsInt32() * Vector128.Create(w[i]);
            }
            var clipped = Clip8(sum).AsUInt32();
            var bytes = Vector128.Narrow(Vector128.Narrow(clipped, clipped), Vector128<ushort>.Zero).AsUInt32().ToScalar();
            if (x < outSize - 1)
            {
                Unsafe.WriteUnaligned(dst + x * 3, bytes);
            }
            else
            {
                dst[x * 3] = (byte)bytes;
                dst[x * 3 + 1] = (byte)(bytes >> 8);
                dst[x * 3 + 2] = (byte)(bytes >> 16);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RowScalar(byte* src, byte* dst, int* start, int* weights, int taps, int outSize)
    {
        for (int x = 0; x < outSize; x++)
        {
            byte* p = src + start[x] * 3;
            int* w = weights + x * taps;
            int r = ResampleCoefficients.Half, g = r, b = r;
            for (int i = 0; i < taps; i++, p += 3)
            {
                r += p[0] * w[i];
                g += p[1] * w[i];
                b += p[2] * w[i];
            }
            dst[x * 3] = Clip8(r);
            dst[x * 3 + 1] = Clip8(g);
            dst[x * 3 + 2] = Clip8(b);
        }
    }

    /// <summary>
    /// Resamples along y: output row y is the weighted sum of input rows Start[y] .., where input
    /// row r starts at <paramref name="source"/>[offset + r * stride] and is <paramref name="rowBytes"/> long.
    /// Bytes of a row are independent, so 32 at a time go through four 8-lane int32 sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static void Vertical(byte[] source, int offset, int stride, int rowBytes, byte[] destination, ResampleCoefficients coefficients)
    {
        int taps = coefficients.Taps;
        int vectorEnd = Vector256.IsHardwareAccelerated ? rowBytes - rowBytes % 32 : 0;
        byte** rows = stackalloc byte*[taps];
        fixed (byte* src = source, dst = destination)
        fixed (int* weights = coefficients.Weights)
        {
            for (int y = 0; y < coefficients.OutSize; y++)
            {
                for (int i = 0; i < taps; i++) rows[i] = src + offset + (coefficients.Start[y] + i) * stride;
                int* w = weights + y * taps;
                byte* outRow = dst + y * rowBytes;
                for (int x = 0; x < vectorEnd; x += 32)
                {
                    var s0 = Vector256.Create(ResampleCoefficients.Half);
                    Vector256<int> s1 = s0, s2 = s0, s3 = s0;
                    for (int i = 0; i < taps; i++)
                    {
                        var weight = Vector256.Create(w[i]);
                        var (low, high) = Vector256.Widen(Vector256.Load(rows[i] + x));
                        var (v0, v1) = Vector256.Widen(low);
                        var (v2, v3) = Vector256.Widen(high);
                        s0 += v0.AsInt32() * weight;
                        s1 += v1.AsInt32() * weight;
                        s2 += v2.AsInt32() * weight;
                        s3 += v3.AsInt32() * weight;
                    }
                    var shorts01 = Vector256.Narrow(Clip8(s0), Clip8(s1)).AsUInt16();
                    var shorts23 = Vector256.Narrow(Clip8(s2), Clip8(s3)).AsUInt16();
                    Vector256.Narrow(shorts01, shorts23).Store(outRow + x);
                }
                for (int x = vectorEnd; x < rowBytes; x++)
                {
                    int sum = ResampleCoefficients.Half;
                    for (int i = 0; i < taps; i++) sum += rows[i][x] * w[i];
                    outRow[x] = Clip8(sum);
                }
            }
        }
    }

    /// <summary>Pillow's clip8: the sum's integer part (arithmetic shift), clamped to 0..255.</summary>
    static byte Clip8(int sum) => (byte)Math.Clamp(sum >> ResampleCoefficients.PrecisionBits, 0, 255);

    static Vector128<int> Clip8(Vector128<int> sum) =>
        Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(sum, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), Vector128.Create(255));

    static Vector256<int> Clip8(Vector256<int> sum) =>
        Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(sum, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), Vector256.Create(255));
}
