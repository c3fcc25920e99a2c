using System.Globalization;

namespace Ham.Training.Hyperparameters;

/// <summary>Hyperparameter values to and from text (overrides, help), culture-independent.</summary>
static class HyperparameterText
{
    /// <summary>Doubles in shortest round-trip form with a lower-case exponent (5e-06), booleans as true/false.</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        _ => throw new ArgumentException($"not a hyperparameter value: {value}"),
    };

    /// <summary>The value <paramref name="text"/> spells for <paramref name="kind"/>, or null if it spells none.</summary>
    public static object? Parse(string text, HyperparameterKind kind) => kind switch
    {
        HyperparameterKind.Double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : null,
        HyperparameterKind.Int => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) ? i : null,
        // true/false as JSON and DomainBed write them, on/off as Ham's flags do.
        HyperparameterKind.Bool => text switch { "true" or "on" => true, "false" or "off" => false, _ => null },
        HyperparameterKind.String => text,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
