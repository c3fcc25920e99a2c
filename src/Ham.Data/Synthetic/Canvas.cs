using Ham.Data.Images;

namespace Ham.Data.Synthetic;

/// <summary>A square floating-point RGB canvas the styles paint on; written out as 8-bit RGB (clipped, rounded).</summary>
sealed class Canvas(int size)
{
    readonly Rgb[] pixels = new Rgb[size * size];

    public int Size { get; } = size;

    public Rgb this[int x, int y]
    {
        get => pixels[y * Size + x];
        set => pixels[y * Size + x] = value;
    }

    /// <summary>Sets every pixel from a function of its centre (x + 0.5, y + 0.5).</summary>
    public void Paint(Func<double, double, Rgb> colourAt)
    {
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++) pixels[y * Size + x] = colourAt(x + 0.5, y + 0.5);
    }

    /// <summary>Over-composites <paramref name="colour"/> with opacity alpha(x, y) (0..1) on every pixel of the box [x0, x1) x [y0, y1).</summary>
    public void Blend(int x0, int y0, int x1, int y1, Func<double, double, double> alpha, Func<double, double, Rgb> colour)
    {
        x0 = Math.Max(x0, 0); y0 = Math.Max(y0, 0); x1 = Math.Min(x1, Size); y1 = Math.Min(y1, Size);
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                double a = alpha(x + 0.5, y + 0.5);
                if (a > 0) pixels[y * Size + x] = Rgb.Mix(pixels[y * Size + x], colour(x + 0.5, y + 0.5), Math.Min(a, 1));
            }
    }

    public void Blend(Func<double, double, double> alpha, Func<double, double, Rgb> colour) => Blend(0, 0, Size, Size, alpha, colour);

    /// <summary>Adds Gaussian noise of standard deviation sigma to each channel (sensor grain, paper grain).</summary>
    public void AddNoise(SynthRandom random, double sigma, bool grey = false)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            double n = random.Normal() * sigma;
            pixels[i] = grey ? new Rgb(p.R + n, p.G + n, p.B + n) : new Rgb(p.R + n, p.G + random.Normal() * sigma, p.B + random.Normal() * sigma);
        }
    }

    public RgbImage ToImage()
    {
        var image = new RgbImage(Size, Size);
        for (int i = 0; i < pixels.Length; i++)
        {
            image.Pixels[3 * i] = To8(pixels[i].R);
            image.Pixels[3 * i + 1] = To8(pixels[i].G);
            image.Pixels[3 * i + 2] = To8(pixels[i].B);
        }
        return image;
    }

    static byte To8(double v) => (byte)Math.Clamp((int)Math.Round(v * 255), 0, 255);

    /// <summary>Antialiased coverage of a region with signed distance d (pixels): 1 inside, 0 outside, linear across one pixel.</summary>
    public static double Coverage(double d) => Math.Clamp(0.5 - d, 0, 1);

    /// <summary>Coverage of a line of the given width centred on the zero set of d.</summary>
    public static double Line(double d, double width) => Coverage(Math.Abs(d) - width / 2);
}
