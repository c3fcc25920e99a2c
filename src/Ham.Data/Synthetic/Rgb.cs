namespace Ham.Data.Synthetic;

/// <summary>A linear colour with channels in 0..1 (values outside are clipped only when written to 8 bits).</summary>
readonly record struct Rgb(double R, double G, double B)
{
    public static Rgb operator *(Rgb c, double k) => new(c.R * k, c.G * k, c.B * k);
    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static Rgb Grey(double v) => new(v, v, v);

    /// <summary>(1 - t) a + t b.</summary>
    public static Rgb Mix(Rgb a, Rgb b, double t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    public double Luma => 0.299 * R + 0.587 * G + 0.114 * B;

    /// <summary>The same colour with each channel nudged by up to <paramref name="amount"/>.</summary>
    public Rgb Jitter(SynthRandom random, double amount) =>
        new(R + random.Uniform(-amount, amount), G + random.Uniform(-amount, amount), B + random.Uniform(-amount, amount));
}
