namespace Ham.Data.Images;

/// <summary>
/// The fixed-point weights of one resampling axis, as Pillow 9 computes them
/// (src/libImaging/Resample.c <c>precompute_coeffs</c>, <c>normalize_coeffs_8bpc</c>): output x
/// samples the input around center = (x + 0.5) * scale with the filter stretched by max(scale, 1),
/// weights normalized to sum 1 and rounded (half away from zero) to <see cref="PrecisionBits"/>
/// fractional bits. Stored flat, with every output reading exactly <see cref="Taps"/> inputs from
/// <see cref="Start"/>: an output whose window Pillow cuts short gets zero weights for the extra
/// inputs, and a window that would run past the last input is slid left (zero weights first). An
/// extra term adds 0 to an integer sum, so the result is Pillow's, and the passes need no per-output
/// lengths or bounds checks.
/// </summary>
sealed class ResampleCoefficients
{
    /// <summary>Pillow's PRECISION_BITS = 32 - 8 - 2: 8-bit values times weights summing to 1 leave headroom in an int32.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The rounding term 0.5 in fixed point that every sum starts from.</summary>
    public const int Half = 1 << (PrecisionBits - 1);

    ResampleCoefficients(int taps, int[] start, int[] weights)
    {
        Taps = taps;
        Start = start;
        Weights = weights;
        FirstInput = start.Min();
        EndInput = start.Max() + taps;
    }

    public int Taps { get; }

    /// <summary>The first input index read by each output.</summary>
    public int[] Start { get; }

    /// <summary>Output x's weights are Weights[x * Taps .. (x + 1) * Taps).</summary>
    public int[] Weights { get; }

    public int OutSize => Start.Length;

    /// <summary>The first input any output reads.</summary>
    public int FirstInput { get; }

    /// <summary>One past the last input any output reads.</summary>
    public int EndInput { get; }

    /// <summary>
    /// Pillow's coefficients for resizing <paramref name="inSize"/> to <paramref name="outSize"/>;
    /// <paramref name="mirror"/> reverses the outputs (output x gets output outSize - 1 - x's
    /// weights), which is FLIP_LEFT_RIGHT after the resize, since each output row depends only on
    /// its own weights.
    /// </summary>
    public static ResampleCoefficients Pillow(int inSize, int outSize, ResampleFilter filter, bool mirror)
    {
        var (support, weight) = FilterOf(filter);
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        int taps = Math.Min((int)Math.Ceiling(support) * 2 + 1, inSize);
        var start = new int[outSize];
        var weights = new int[outSize * taps];
        var w = new double[taps];
        for (int x = 0; x < outSize; x++)
        {
            double center = (x + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int count = Math.Min((int)(center + support + 0.5), inSize) - min;
            double total = 0;
            // The argument divides by filterScale, as Ham's resize always has; Pillow multiplies by
            // ss = 1 / filterScale. Both give the same fixed-point weights for every shrink checked
            // (inputs 2..699 to 11 output sizes from 17 to 336, both filters).
            for (int i = 0; i < count; i++) total += w[i] = weight((i + min - center + 0.5) / filterScale);
            int first = Math.Min(min, inSize - taps);
            int slot = (mirror ? outSize - 1 - x : x) * taps + (min - first);
            for (int i = 0; i < count; i++)
            {
                double normalized = total != 0 ? w[i] / total : w[i];
                weights[slot + i] = (int)(normalized * (1 << PrecisionBits) + (normalized < 0 ? -0.5 : 0.5));
            }
            start[mirror ? outSize - 1 - x : x] = first;
        }
        return new ResampleCoefficients(taps, start, weights);
    }

    /// <summary>One tap of weight 1 per output: a copy (mirrored when asked) through the same passes.</summary>
    public static ResampleCoefficients Identity(int size, bool mirror)
    {
        var start = new int[size];
        var weights = new int[size];
        for (int x = 0; x < size; x++)
        {
            start[x] = mirror ? size - 1 - x : x;
            weights[x] = 1 << PrecisionBits;
        }
        return new ResampleCoefficients(1, start, weights);
    }

    /// <summary>Pillow's filters: bilinear (triangle, support 1) and bicubic (Keys, a = -0.5, support 2).</summary>
    static (double Support, Func<double, double> Weight) FilterOf(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Bilinear => (1.0, x => Math.Abs(x) < 1 ? 1 - Math.Abs(x) : 0),
        ResampleFilter.Bicubic => (2.0, Bicubic),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter"),
    };

    static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }
}
