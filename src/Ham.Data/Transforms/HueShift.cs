using System.Runtime.CompilerServices;

namespace Ham.Data.Transforms;

/// <summary>
/// <see cref="PilHsv"/>'s RGB -&gt; HSV -&gt; (H + shift) -&gt; RGB for whole images, through tables
/// built once from <see cref="PilHsv"/> itself, so no pixel needs Pillow's float divisions and
/// fmod. Why tables suffice (Pillow Convert.c <c>rgb2hsv_row</c>): with max, min and range = max - min,
/// H depends only on which channel is the max, which is the min, range, and d = max - mid, because
/// rc, gc, bc = (max - channel) / range and the min channel's quotient is 1, the max's 0. S depends
/// on (max, range). Back to RGB (<c>hsv2rgb</c>), p = round(V (1 - S/255)) depends on (S, V) only;
/// q and t use per-H sector and fraction and per-S factor tables, then the same double arithmetic.
/// Tests compare both directions with <see cref="PilHsv"/> over every input.
/// </summary>
static class HueShift
{
    /// <summary>H by [(ordering * 256 + range) * 256 + d]; orderings as in <see cref="Ordering"/>.</summary>
    static readonly byte[] Hue = BuildHue();

    /// <summary>S by [max * 256 + range].</summary>
    static readonly byte[] Saturation = BuildSaturation();

    /// <summary>hsv2rgb's p by [S * 256 + V].</summary>
    static readonly byte[] P = BuildP();

    /// <summary>Per H: the sector i % 6, the fraction f (float, as Pillow's) and 1 - f (double).</summary>
    static readonly byte[] Sector = new byte[256];
    static readonly float[] Fraction = new float[256];
    static readonly double[] OneMinusFraction = new double[256];

    /// <summary>Per S: fs = S / 255 as float.</summary>
    static readonly float[] SaturationFactor = new float[256];

    static HueShift()
    {
        for (int h = 0; h < 256; h++)
        {
            double sector = h * 6.0 / 255.0;
            int i = (int)Math.Floor(sector);
            Sector[h] = (byte)(i % 6);
            Fraction[h] = (float)(sector - i);
            OneMinusFraction[h] = 1.0 - Fraction[h];
        }
        for (int s = 0; s < 256; s++) SaturationFactor[s] = (float)(s / 255.0);
    }

    /// <summary>torchvision's adjust_hue on 8-bit RGB: every pixel's H plus <paramref name="shift"/> modulo 256; <paramref name="source"/> may be <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static unsafe void Apply(ReadOnlySpan<byte> source, Span<byte> destination, byte shift)
    {
        fixed (byte* src = source, dst = destination)
        {
            for (int i = 0; i < source.Length; i += 3)
            {
                var (h, s, v) = FromRgb(src[i], src[i + 1], src[i + 2]);
                (dst[i], dst[i + 1], dst[i + 2]) = ToRgb(unchecked((byte)(h + shift)), s, v);
            }
        }
    }

    /// <summary><see cref="PilHsv.FromRgb"/> by table lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (byte H, byte S, byte V) FromRgb(byte r, byte g, byte b)
    {
        int max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        if (max == min) return (0, 0, (byte)max);
        int range = max - min;
        var (ordering, d) = Ordering(r, g, b, max);
        return (Hue[(ordering * 256 + range) * 256 + d], Saturation[max * 256 + range], (byte)max);
    }

    /// <summary>
    /// Which channel is the max (first of r, g, b on ties, as rgb2hsv_row's if-chain) and which of
    /// the other two is the min (ties go to the earlier ordering), and d = max - the other one.
    /// 0: r max, g min; 1: r max, b min; 2: g max, r min; 3: g max, b min; 4: b max, r min; 5: b max, g min.
    /// </summary>
    static (int Ordering, int D) Ordering(int r, int g, int b, int max)
    {
        if (r == max) return g <= b ? (0, max - b) : (1, max - g);
        if (g == max) return r <= b ? (2, max - b) : (3, max - r);
        return r <= g ? (4, max - g) : (5, max - r);
    }

    /// <summary><see cref="PilHsv.ToRgb"/>: p from its table; q, t = round(V (1 - fs f)), round(V (1 - fs (1 - f))) in the same double arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (byte R, byte G, byte B) ToRgb(byte h, byte s, byte v)
    {
        if (s == 0) return (v, v, v);
        float fs = SaturationFactor[s];
        byte p = P[s * 256 + v];
        byte q = (byte)Math.Round(v * (1.0 - fs * Fraction[h]), MidpointRounding.AwayFromZero);
        byte t = (byte)Math.Round(v * (1.0 - fs * OneMinusFraction[h]), MidpointRounding.AwayFromZero);
        return Sector[h] switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    /// <summary>Each ordering's H from one representative colour with min 0, max = range, mid = range - d (H depends on nothing else).</summary>
    static byte[] BuildHue()
    {
        var table = new byte[6 * 256 * 256];
        for (int ordering = 0; ordering < 6; ordering++)
            for (int range = 1; range < 256; range++)
                for (int d = 0; d <= range; d++)
                {
                    int mid = range - d;
                    var (r, g, b) = ordering switch
                    {
                        0 => (range, 0, mid),
                        1 => (range, mid, 0),
                        2 => (0, range, mid),
                        3 => (mid, range, 0),
                        4 => (0, mid, range),
                        _ => (mid, 0, range),
                    };
                    table[(ordering * 256 + range) * 256 + d] = PilHsv.FromRgb((byte)r, (byte)g, (byte)b).H;
                }
        return table;
    }

    static byte[] BuildSaturation()
    {
        var table = new byte[256 * 256];
        for (int max = 1; max < 256; max++)
            for (int range = 1; range <= max; range++)
                table[max * 256 + range] = PilHsv.FromRgb((byte)max, (byte)(max - range), (byte)(max - range)).S;
        return table;
    }

    /// <summary>p is the smallest of hsv2rgb's outputs in every sector; sector 0 (H = 0) gives (V, t, p).</summary>
    static byte[] BuildP()
    {
        var table = new byte[256 * 256];
        for (int s = 0; s < 256; s++)
            for (int v = 0; v < 256; v++)
                table[s * 256 + v] = PilHsv.ToRgb(0, (byte)s, (byte)v).B;
        return table;
    }
}
