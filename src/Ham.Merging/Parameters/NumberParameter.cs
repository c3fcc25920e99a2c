using System.Globalization;

namespace Ham.Merging.Parameters;

/// <summary>
/// A real number in [<see cref="Low"/>, <see cref="High"/>]; with <see cref="MergeParameter.PerTensor"/>
/// (the default) the YAML config may give it per tensor, and <see cref="Of"/> reads the value of
/// the options <see cref="MergeOptions.For"/> resolved for one tensor. A null default is one the
/// method computes from its inputs (<see cref="DefaultText"/> says which, e.g. "1/N").
/// </summary>
public sealed record NumberParameter(string Name, double? Default, double Low, double High, string Help, string? Computed = null, bool Scalar = false)
    : MergeParameter(Name, Help)
{
    public override bool PerTensor => !Scalar;

    public override string? DefaultText => Computed ?? Default?.ToString("R", CultureInfo.InvariantCulture);

    public override void Check(ParameterValue value) => Parse(value);

    /// <summary>The value given, checked, or null for the default.</summary>
    public double? GivenValue(MergeOptions options) => Given(options) is { } value ? Parse(value) : null;

    /// <summary>The value given, else the default (a computed default is read with <see cref="GivenValue"/>).</summary>
    public double Of(MergeOptions options) =>
        GivenValue(options) ?? Default ?? throw new InvalidOperationException($"'{Name}' has a computed default: read it with GivenValue");

    /// <summary>
    /// The value for metadata: the scalar, or the per-tensor rules followed by the default that
    /// tensors no rule matches take (<paramref name="value"/>, the method's resolved value).
    /// </summary>
    public string Describe(MergeOptions options, double value) => options.PerTensor.TryGetValue(Name, out var setting)
        ? setting.Rules.Any(r => r.Filter is null) ? setting.ToString() : $"{setting}; {value:R}"
        : value.ToString("R", CultureInfo.InvariantCulture);

    double Parse(ParameterValue value)
    {
        string text = Single(value).Texts[0];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
            throw new ArgumentException($"{value.Subject} must be a number, got '{text}'");
        return number >= Low && number <= High ? number
            : throw new ArgumentException($"{value.Subject} must be in [{Low}, {High}], got {number}");
    }
}
