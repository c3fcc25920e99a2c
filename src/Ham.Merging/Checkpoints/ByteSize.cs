using System.Globalization;

namespace Ham.Merging.Checkpoints;

/// <summary>
/// Sizes as Hugging Face writes them for shards: a number of bytes with an optional unit,
/// decimal KB/MB/GB (10^3, 10^6, 10^9) or binary KiB/MiB/GiB (2^10, 2^20, 2^30): "20KB", "400MB", "2GB".
/// </summary>
public static class ByteSize
{
    static readonly (string Unit, long Bytes)[] Units =
        [("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)];

    public static long Parse(string text, string option)
    {
        string trimmed = text.Trim();
        var (unit, scale) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Unit, StringComparison.OrdinalIgnoreCase), (Unit: "", Bytes: 1L));
        string number = trimmed[..^unit.Length].Trim();
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value * scale >= 1 && value * scale < long.MaxValue
            ? (long)(value * scale)
            : throw new ArgumentException($"{option} must be a size such as 20KB, 400MB or 2GB, got '{text}'");
    }
}
