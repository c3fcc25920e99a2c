using System.Runtime.CompilerServices;

namespace Ham.Data.Transforms;

/// <summary>
/// <see cref="PilHsv"/>'s RGB -&gt; HSV -&gt; (H + shift) -&gt; RGB for whole images, through tables
/// built once from <see cref="PilHsv"/> itself, so no pixel needs Pillow's float divisions and
/// fmod. Why tables suffice (Pillow Convert.c
/// <c>rgb2hsv_row</c>): with range = max - min, rc, gc, bc = (max - channel) / range, the max
/// channel's quotient is 0 and the min's is 1, so H depends only on which channel is the max, the
/// range and how far the third channel is from the max (see <see cref="BuildHue"/>); S depends on
/// (max, range). Back to RGB (<c>hsv2rgb</c>), p = round(V (1 - S/255)) depends on (S, V) only;
/// q and t use per-H sector and fraction and per-S factor tables, then the same double arithmetic.
/// Tests compare both directions with <see cref="PilHsv"/> over every input.
/// </summary>
static class HueShift
{
    /// <summary>H by [(max channel * 256 + range) * 512 + diff + 256]; see <see cref="BuildHue"/>.</summary>
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

    /// <summary>
    /// <see cref="PilHsv.FromRgb"/> by table lookups, with no case for grey: a grey pixel (range 0) finds
    /// H = S = 0 in the tables' unset entries, as rgb2hsv_row's max == min case.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (byte H, byte S, byte V) FromRgb(byte r, byte g, byte b)
    {
        int max = Math.Max(r, Math.Max(g, b)), range = max - Math.Min(r, Math.Min(g, b));
        int channel = MaxChannel(r, g, b);
        int diff = channel == 0 ? g - b : channel == 1 ? b - r : r - g;
        return (Hue[(channel * 256 + range) * 512 + diff + 256], Saturation[max * 256 + range], (byte)max);
    }

    /// <summary>The channel rgb2hsv_row's if-chain takes as the max: r if r &gt;= g and r &gt;= b, else g if g &gt;= b, else b.</summary>
    static int MaxChannel(int r, int g, int b) => (r >= g) & (r >= b) ? 0 : g >= b ? 1 : 2;

    /// <summary>
    /// <see cref="PilHsv.ToRgb"/>: p from its table; q, t = round(V (1 - fs f)), round(V (1 - fs (1 - f)))
    /// in the same double arithmetic (both values are in [0, V], so round half up is round half away
    /// from zero); the sector picks the output order from a table instead of a switch. S = 0 needs
    /// no case of its own: fs = 0 makes p = q = t = V.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (byte R, byte G, byte B) ToRgb(byte h, byte s, byte v)
    {
        float fs = SaturationFactor[s];
        uint p = P[s * 256 + v];
        uint q = (uint)(v * (1.0 - fs * Fraction[h]) + 0.5);
        uint t = (uint)(v * (1.0 - fs * OneMinusFraction[h]) + 0.5);
        uint values = v | p << 8 | q << 16 | t << 24;
        int order = SectorOrder[Sector[h]];
        return ((byte)(values >> ((order & 3) * 8)), (byte)(values >> ((order >> 2 & 3) * 8)), (byte)(values >> ((order >> 4) * 8)));
    }

    /// <summary>
    /// hsv2rgb's output order per sector over (v, p, q, t) = indices (0, 1, 2, 3), packed as
    /// R | G &lt;&lt; 2 | B &lt;&lt; 4: sector 0 (v, t, p), 1 (q, v, p), 2 (p, v, t), 3 (p, q, v), 4 (t, p, v), 5 (v, p, q).
    /// </summary>
    static ReadOnlySpan<byte> SectorOrder => [0 | 3 << 2 | 1 << 4, 2 | 0 << 2 | 1 << 4, 1 | 0 << 2 | 3 << 4, 1 | 2 << 2 | 0 << 4, 3 | 1 << 2 | 0 << 4, 0 | 1 << 2 | 2 << 4];

    /// <summary>
    /// H for every (max channel, range, diff), diff being the other two channels' difference in
    /// cyclic order (g - b, b - r or r - g): with the max and the range known it fixes which of them
    /// is the min and how far the other is from the max, and H depends on nothing else, so one
    /// representative colour (max = range, min = 0) gives each entry.
    /// </summary>
    static byte[] BuildHue()
    {
        var table = new byte[3 * 256 * 512];
        for (int channel = 0; channel < 3; channel++)
            for (int range = 1; range < 256; range++)
                for (int diff = -range; diff <= range; diff++)
                {
                    var rgb = new int[3];
                    rgb[channel] = range;
                    rgb[(channel + 1) % 3] = Math.Max(diff, 0);
                    rgb[(channel + 2) % 3] = Math.Max(-diff, 0);
                    if (MaxChannel(rgb[0], rgb[1], rgb[2]) != channel) continue; // a tie an earlier channel wins: never looked up
                    table[(channel * 256 + range) * 512 + diff + 256] = PilHsv.FromRgb((byte)rgb[0], (byte)rgb[1], (byte)rgb[2]).H;
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
