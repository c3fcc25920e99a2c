namespace Ham.Data.Synthetic;

/// <summary>
/// Smooth random fields for textures (wood, walls, canvas, flow directions): value noise, random
/// values on a lattice interpolated with smoothstep, summed over octaves of halving amplitude
/// (fractal noise as in Perlin, "An image synthesizer", SIGGRAPH 1985). Output roughly in [-1, 1].
/// </summary>
sealed class ValueNoise
{
    const int Lattice = 64;
    readonly double[] values = new double[Lattice * Lattice];
    readonly double scale;
    readonly int octaves;

    /// <param name="cells">lattice cells across the image at the coarsest octave</param>
    public ValueNoise(SynthRandom random, int imageSize, double cells, int octaves = 3)
    {
        for (int i = 0; i < values.Length; i++) values[i] = random.Uniform(-1, 1);
        scale = cells / imageSize;
        this.octaves = octaves;
    }

    public double At(double x, double y)
    {
        double sum = 0, amplitude = 1, norm = 0, fx = x * scale, fy = y * scale;
        for (int o = 0; o < octaves; o++)
        {
            sum += amplitude * Smooth(fx + 17 * o, fy + 31 * o);
            norm += amplitude;
            amplitude /= 2;
            fx *= 2;
            fy *= 2;
        }
        return sum / norm;
    }

    double Smooth(double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double tx = x - x0, ty = y - y0;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        double a = Value(x0, y0), b = Value(x0 + 1, y0), c = Value(x0, y0 + 1), d = Value(x0 + 1, y0 + 1);
        return (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
    }

    double Value(int x, int y) => values[((y % Lattice + Lattice) % Lattice) * Lattice + ((x % Lattice + Lattice) % Lattice)];
}
