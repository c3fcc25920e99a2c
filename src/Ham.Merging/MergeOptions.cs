namespace Ham.Merging;

/// <summary>Whether a magnitude threshold is taken over the whole model or per tensor.</summary>
public enum TrimScope { Model, Tensor }

/// <summary>
/// The options of every method; each method reads the ones it uses (see its class). Null means
/// the method's own default.
/// </summary>
public sealed record MergeOptions
{
    /// <summary>rhm: fraction of update entries dropped by magnitude (default 0.2).</summary>
    public double? Trim { get; init; }

    /// <summary>ties: fraction of update entries kept by magnitude (default 0.2).</summary>
    public double? Density { get; init; }

    /// <summary>task-arithmetic (default 1/N), ties (default 1): scale of the merged update.</summary>
    public double? Lambda { get; init; }

    /// <summary>dare-ta, dare-ties: drop probability of each update entry (default 0.9).</summary>
    public double? Drop { get; init; }

    /// <summary>wise-ft (default 0.5), score, tsv, iso-c (default 1): interpolation or update scale.</summary>
    public double? Alpha { get; init; }

    /// <summary>trajectory: Beta(beta, beta) weights (default 0.5).</summary>
    public double? Beta { get; init; }

    public TrimScope TrimScope { get; init; } = TrimScope.Model;

    /// <summary>dare-*: seed of the random drops.</summary>
    public long Seed { get; init; }

    /// <summary>average: per-model weights (normalized to sum 1); null for a uniform soup.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>Names absent from some input take the base's values instead of being an error.</summary>
    public bool AllowMissing { get; init; }

    internal static double InRange(double value, double low, double high, string option) =>
        value >= low && value <= high ? value : throw new ArgumentException($"{option} must be in [{low}, {high}], got {value}");
}
