using System.Globalization;

namespace Ham.Training.Hyperparameters;

/// <summary>The values a numeric hyperparameter may take: [Min, Max], or (Min, Max] when <see cref="MinExclusive"/>.</summary>
public sealed record NumericRange(double Min, double Max, bool MinExclusive = false)
{
    public static NumericRange Positive { get; } = new(0, double.PositiveInfinity, MinExclusive: true);
    public static NumericRange NonNegative { get; } = new(0, double.PositiveInfinity);
    public static NumericRange UnitInterval { get; } = new(0, 1);

    public static NumericRange AtLeast(double min) => new(min, double.PositiveInfinity);

    public bool Contains(double value) => (MinExclusive ? value > Min : value >= Min) && value <= Max;

    public override string ToString() =>
        $"{(MinExclusive ? "(" : "[")}{Bound(Min)}, {Bound(Max)}{(double.IsPositiveInfinity(Max) ? ")" : "]")}";

    static string Bound(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
