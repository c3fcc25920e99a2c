namespace Ham.Torch;

/// <summary>
/// The arithmetic a forward pass runs in. Weights stay fp32 ("master weights") in every case;
/// bf16 and fp16 run the autocast-eligible ops (matmuls, convolutions) in that dtype inside an
/// <see cref="Autocast"/> scope, and fp16 needs a <see cref="Optim.GradScaler"/> because its
/// gradients underflow (Micikevicius et al., "Mixed Precision Training", ICLR 2018).
/// </summary>
public enum Precision
{
    FP32,
    BF16,
    FP16,
}

public static class PrecisionNames
{
    /// <summary>Parses fp32, bf16 or fp16; an error names <paramref name="option"/> (a flag or a key).</summary>
    public static Precision Parse(string text, string option) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" => Precision.FP32,
        "bf16" => Precision.BF16,
        "fp16" => Precision.FP16,
        _ => throw new ArgumentException($"{option} takes fp32, bf16 or fp16, got '{text}'"),
    };

    /// <summary>The command-line name: fp32, bf16, fp16.</summary>
    public static string Name(this Precision precision) => precision switch
    {
        Precision.FP32 => "fp32",
        Precision.BF16 => "bf16",
        Precision.FP16 => "fp16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>The dtype autocast computes in, or null for fp32 (no autocast).</summary>
    public static DType? AutocastDType(this Precision precision) => precision switch
    {
        Precision.FP32 => null,
        Precision.BF16 => DType.BFloat16,
        Precision.FP16 => DType.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// fp16 needs loss scaling: its smallest normal value is 6e-5 (bf16 keeps fp32's exponent
    /// range, so it does not).
    /// </summary>
    public static bool NeedsGradScaler(this Precision precision) => precision == Precision.FP16;
}
