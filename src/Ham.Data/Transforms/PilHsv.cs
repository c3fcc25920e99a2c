using System.Runtime.CompilerServices;
namespace Ham.Data.Transforms;

/// <summary>
/// Pillow's 8-bit RGB &lt;-&gt; HSV conversions (src/libImaging/Convert.c <c>rgb2hsv_row</c>,
/// <c>hsv2rgb</c>, which follow Python's colorsys), with the C code's mix of float and double
/// arithmetic kept so every pixel matches. H, S and V are scaled to 0..255.
/// </summary>
static class PilHsv
{
    /// <summary>
    /// V = max; S = (max - min) / max; H from the channel that is the max (colorsys), wrapped with
    /// fmod(h / 6 + 1, 1); H and S truncated after scaling by 255.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static (byte H, byte S, byte V) FromRgb(byte r, byte g, byte b)
    {
        byte max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        if (max == min) return (0, 0, max);
        float range = max - min;
        float s = range / max;
        float rc = (max - r) / range, gc = (max - g) / range, bc = (max - b) / range;
        float h = r == max ? bc - gc : g == max ? (float)(2.0 + rc - bc) : (float)(4.0 + gc - rc);
        h = (float)((h / 6.0 + 1.0) % 1.0);
        return (Clip8((int)(h * 255.0)), Clip8((int)(s * 255.0)), max);
    }

    /// <summary>Sector i = floor(6 H / 255), fraction f; p, q, t = round(V (1 - S), V (1 - S f), V (1 - S (1 - f))).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per pixel from the first call: no slow tier-0 code in short loader runs
    public static (byte R, byte G, byte B) ToRgb(byte h, byte s, byte v)
    {
        if (s == 0) return (v, v, v);
        double sector = h * 6.0 / 255.0;
        int i = (int)Math.Floor(sector);
        float f = (float)(sector - i);
        float fs = (float)(s / 255.0);
        byte p = Clip8((int)Math.Round(v * (1.0 - fs), MidpointRounding.AwayFromZero));
        byte q = Clip8((int)Math.Round(v * (1.0 - fs * f), MidpointRounding.AwayFromZero));
        byte t = Clip8((int)Math.Round(v * (1.0 - fs * (1.0 - f)), MidpointRounding.AwayFromZero));
        return (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    static byte Clip8(int value) => (byte)Math.Clamp(value, 0, 255);
}
