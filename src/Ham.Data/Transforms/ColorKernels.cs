using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ham.Data.Transforms;

/// <summary>
/// The per-pixel loops of <see cref="PilColor"/> over interleaved 8-bit RGB. Every one reads a
/// pixel before writing it, so source and destination may be the same buffer.
/// </summary>
static unsafe class ColorKernels
{
    /// <summary>Pixels per chunk of <see cref="BlendWithOwnGrey"/>: 3 * 1024 bytes, a multiple of the 32-byte vector step.</summary>
    const int ChunkPixels = 1024;

    /// <summary>
    /// ImageEnhance.Brightness / Contrast: each byte blended with one <paramref name="degenerate"/>
    /// value by <see cref="PilColor.Blend"/>, 32 bytes at a time (see <see cref="Blend32"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static void BlendWithConstant(ReadOnlySpan<byte> source, Span<byte> destination, byte degenerate, float alpha)
    {
        int vectorEnd = Vector256.IsHardwareAccelerated ? source.Length - source.Length % 32 : 0;
        var degenerates = Vector256.Create(degenerate);
        fixed (byte* src = source, dst = destination)
        {
            for (int i = 0; i < vectorEnd; i += 32) Blend32(degenerates, Vector256.Load(src + i), alpha).Store(dst + i);
            for (int i = vectorEnd; i < source.Length; i++) dst[i] = PilColor.Blend(degenerate, src[i], alpha);
        }
    }

    /// <summary>The sum of <see cref="PilColor.Luma"/> over all pixels (ImageStat's sum of the "L" image).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long LumaSum(ReadOnlySpan<byte> source)
    {
        long sum = 0;
        int i = 0;
        fixed (byte* src = source)
        {
            if (Vector256.IsHardwareAccelerated)
                for (; i + 48 <= source.Length; i += 48)
                {
                    var (low, high) = Vector128.Widen(Luma16(src + i));
                    sum += Vector128.Sum(low + high);
                }
            for (; i < source.Length; i += 3) sum += PilColor.Luma(src[i], src[i + 1], src[i + 2]);
        }
        return sum;
    }

    /// <summary>Each pixel's luma in all three channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GreyPerPixel(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int i = 0;
        fixed (byte* src = source, dst = destination)
        {
            if (Vector256.IsHardwareAccelerated)
                for (; i + 48 <= source.Length; i += 48)
                {
                    var grey = Luma16(src + i);
                    Vector128.Shuffle(grey, Repeat0).Store(dst + i);
                    Vector128.Shuffle(grey, Repeat1).Store(dst + i + 16);
                    Vector128.Shuffle(grey, Repeat2).Store(dst + i + 32);
                }
            for (; i < source.Length; i += 3) dst[i] = dst[i + 1] = dst[i + 2] = PilColor.Luma(src[i], src[i + 1], src[i + 2]);
        }
    }

    /// <summary>
    /// <see cref="PilColor.Luma"/> of 16 interleaved pixels (48 bytes): the R, G and B bytes are
    /// gathered by shuffles (OR-ing the three loads' shuffles collects one channel), widened to int32, and (19595 R + 38470 G + 7471 B + 2^15) >> 16
    /// computed exactly as the scalar formula.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<byte> Luma16(byte* pixels)
    {
        var v0 = Vector128.Load(pixels);
        var v1 = Vector128.Load(pixels + 16);
        var v2 = Vector128.Load(pixels + 32);
        var r = Vector128.Shuffle(v0, Red0) | Vector128.Shuffle(v1, Red1) | Vector128.Shuffle(v2, Red2);
        var g = Vector128.Shuffle(v0, Green0) | Vector128.Shuffle(v1, Green1) | Vector128.Shuffle(v2, Green2);
        var b = Vector128.Shuffle(v0, Blue0) | Vector128.Shuffle(v1, Blue1) | Vector128.Shuffle(v2, Blue2);
        var (rLow, rHigh) = Vector256.Widen(Vector256.WidenLower(r.ToVector256Unsafe()));
        var (gLow, gHigh) = Vector256.Widen(Vector256.WidenLower(g.ToVector256Unsafe()));
        var (bLow, bHigh) = Vector256.Widen(Vector256.WidenLower(b.ToVector256Unsafe()));
        var low = (rLow * 19595 + gLow * 38470 + bLow * 7471 + Vector256.Create(0x8000u)) >> 16;
        var high = (rHigh * 19595 + gHigh * 38470 + bHigh * 7471 + Vector256.Create(0x8000u)) >> 16;
        var shorts = Vector256.Narrow(low, high);
        return Vector128.Narrow(shorts.GetLower(), shorts.GetUpper());
    }

    // Shuffle indices, as constants so the JIT emits single byte shuffles. Gathering channel c of
    // pixels 0..15 from the k-th 16 bytes of 48: lane p reads byte 3p + c - 16k (0xFF, out of
    // range, gives 0). Spreading 16 greys back over 48 bytes: lane j of part k reads grey (16k + j) / 3.
    static Vector128<byte> Red0 => Vector128.Create((byte)0, 3, 6, 9, 12, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255);
    static Vector128<byte> Red1 => Vector128.Create((byte)255, 255, 255, 255, 255, 255, 2, 5, 8, 11, 14, 255, 255, 255, 255, 255);
    static Vector128<byte> Red2 => Vector128.Create((byte)255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 4, 7, 10, 13);
    static Vector128<byte> Green0 => Vector128.Create((byte)1, 4, 7, 10, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255);
    static Vector128<byte> Green1 => Vector128.Create((byte)255, 255, 255, 255, 255, 0, 3, 6, 9, 12, 15, 255, 255, 255, 255, 255);
    static Vector128<byte> Green2 => Vector128.Create((byte)255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 2, 5, 8, 11, 14);
    static Vector128<byte> Blue0 => Vector128.Create((byte)2, 5, 8, 11, 14, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255);
    static Vector128<byte> Blue1 => Vector128.Create((byte)255, 255, 255, 255, 255, 1, 4, 7, 10, 13, 255, 255, 255, 255, 255, 255);
    static Vector128<byte> Blue2 => Vector128.Create((byte)255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 3, 6, 9, 12, 15);
    static Vector128<byte> Repeat0 => Vector128.Create((byte)0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5);
    static Vector128<byte> Repeat1 => Vector128.Create((byte)5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10);
    static Vector128<byte> Repeat2 => Vector128.Create((byte)10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15);

    /// <summary>
    /// ImageEnhance.Color: each byte blended with its pixel's luma by <see cref="PilColor.Blend"/>.
    /// A chunk's greys are written out per byte first, then the blend runs 32 bytes at a time (<see cref="Blend32"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BlendWithOwnGrey(ReadOnlySpan<byte> source, Span<byte> destination, float alpha)
    {
        byte* grey = stackalloc byte[ChunkPixels * 3];
        fixed (byte* src = source, dst = destination)
        {
            for (int chunk = 0; chunk < source.Length; chunk += ChunkPixels * 3)
            {
                int length = Math.Min(ChunkPixels * 3, source.Length - chunk);
                GreyPerPixel(new ReadOnlySpan<byte>(src + chunk, length), new Span<byte>(grey, length));
                int vectorEnd = Vector256.IsHardwareAccelerated ? length - length % 32 : 0;
                for (int i = 0; i < vectorEnd; i += 32) Blend32(Vector256.Load(grey + i), Vector256.Load(src + chunk + i), alpha).Store(dst + chunk + i);
                for (int i = vectorEnd; i < length; i++) dst[chunk + i] = PilColor.Blend(grey[i], src[chunk + i], alpha);
            }
        }
    }

    /// <summary>
    /// <see cref="PilColor.Blend"/> of 32 bytes in float32 lanes: degenerate + alpha * (float)(image - degenerate),
    /// truncated, clamped to 0..255. The lanes do the scalar operations in the scalar order (no fused
    /// multiply-add), and clamping a truncation is what Blend does on both of its branches (inside
    /// [0, 1] the value cannot leave 0..255).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<byte> Blend32(Vector256<byte> degenerate, Vector256<byte> image, float alpha)
    {
        var (degenerateLow, degenerateHigh) = Vector256.Widen(degenerate);
        var (imageLow, imageHigh) = Vector256.Widen(image);
        var (d0, d1) = Vector256.Widen(degenerateLow);
        var (d2, d3) = Vector256.Widen(degenerateHigh);
        var (i0, i1) = Vector256.Widen(imageLow);
        var (i2, i3) = Vector256.Widen(imageHigh);
        var low = Vector256.Narrow(Blend8(d0.AsInt32(), i0.AsInt32(), alpha), Blend8(d1.AsInt32(), i1.AsInt32(), alpha)).AsUInt16();
        var high = Vector256.Narrow(Blend8(d2.AsInt32(), i2.AsInt32(), alpha), Blend8(d3.AsInt32(), i3.AsInt32(), alpha)).AsUInt16();
        return Vector256.Narrow(low, high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<int> Blend8(Vector256<int> degenerate, Vector256<int> image, float alpha)
    {
        var value = Vector256.ConvertToSingle(degenerate) + Vector256.ConvertToSingle(image - degenerate) * alpha;
        return Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(value), Vector256<int>.Zero), Vector256.Create(255));
    }
}
