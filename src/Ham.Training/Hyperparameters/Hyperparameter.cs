using System.Text.RegularExpressions;
using Ham.Data.Splits;

namespace Ham.Training.Hyperparameters;

/// <summary>The type of a hyperparameter's value (boxed as double, int, bool or string).</summary>
public enum HyperparameterKind { Double, Int, Bool, String }

static class HyperparameterKindNames
{
    /// <summary>"a number", "an integer", "true or false", "a string": how errors and help name a kind.</summary>
    public static string Name(this HyperparameterKind kind) => kind switch
    {
        HyperparameterKind.Double => "a number",
        HyperparameterKind.Int => "an integer",
        HyperparameterKind.Bool => "true or false",
        _ => "a string",
    };
}

/// <summary>
/// One hyperparameter as DomainBed's <c>_hparam(name, default_val, random_val_fn)</c> declares it:
/// its name, default, random-search distribution and help, plus what an override may set it to
/// (a numeric range, or a string's allowed values).
/// </summary>
public sealed partial class Hyperparameter
{
    Hyperparameter(string name, HyperparameterKind kind, object @default, SearchDistribution search, string help, NumericRange? range, IReadOnlyList<string>? allowed)
    {
        if (!NamePattern().IsMatch(name)) throw new ArgumentException($"hyperparameter name '{name}' must be lower-case letters, digits and underscores, starting with a letter");
        Name = name;
        Kind = kind;
        Range = range;
        Allowed = allowed;
        Help = help;
        search.RequireKind(kind, name);
        Search = search;
        Require(@default, "default");
        Default = @default;
    }

    public string Name { get; }
    public HyperparameterKind Kind { get; }
    public object Default { get; }
    public SearchDistribution Search { get; }
    public string Help { get; }

    /// <summary>The values a number may take (Double and Int kinds).</summary>
    public NumericRange? Range { get; }

    /// <summary>The values a string may take (String kind; null = any).</summary>
    public IReadOnlyList<string>? Allowed { get; }

    public static Hyperparameter Double(string name, double @default, SearchDistribution search, NumericRange range, string help) =>
        new(name, HyperparameterKind.Double, @default, search, help, range, null);

    public static Hyperparameter Int(string name, int @default, SearchDistribution search, NumericRange range, string help) =>
        new(name, HyperparameterKind.Int, @default, search, help, range, null);

    /// <summary>A switch; not searched (the draw is the default).</summary>
    public static Hyperparameter Bool(string name, bool @default, string help) =>
        new(name, HyperparameterKind.Bool, @default, SearchDistribution.Fixed, help, null, null);

    /// <summary>One of <paramref name="allowed"/>; not searched (the draw is the default).</summary>
    public static Hyperparameter String(string name, string @default, IReadOnlyList<string> allowed, string help) =>
        new(name, HyperparameterKind.String, @default, SearchDistribution.Fixed, help, null, allowed.ToArray());

    /// <summary>The random-search value, drawn from a RandomState seeded for this hyperparameter alone.</summary>
    public object Draw(LegacyRandomState random)
    {
        object value = Search.Draw(random, this);
        Require(value, "random-search value");
        return value;
    }

    /// <summary>The value an override's text sets, checked against the kind and the range or allowed values.</summary>
    public object Parse(string text)
    {
        object value = HyperparameterText.Parse(text, Kind) ?? throw new ArgumentException($"hyperparameter '{Name}' takes {Kind.Name()}, got '{text}'");
        Require(value, "value");
        return value;
    }

    /// <summary>Throws unless <paramref name="value"/> is of this kind and in range (or allowed).</summary>
    internal void Require(object value, string what = "value")
    {
        bool ofKind = Kind switch
        {
            HyperparameterKind.Double => value is double,
            HyperparameterKind.Int => value is int,
            HyperparameterKind.Bool => value is bool,
            _ => value is string,
        };
        if (!ofKind) throw new ArgumentException($"hyperparameter '{Name}' takes {Kind.Name()}, got {what} {value} ({value.GetType().Name})");
        if (Range is { } range && !range.Contains(Convert.ToDouble(value)))
            throw new ArgumentException($"hyperparameter '{Name}' must be in {range}, got {what} {HyperparameterText.Format(value)}");
        if (Allowed is { } allowed && !allowed.Contains((string)value))
            throw new ArgumentException($"hyperparameter '{Name}' takes one of {string.Join(", ", allowed)}, got {what} '{value}'");
    }

    /// <summary>What an override may be: "a number in (0, inf)", "layer-dot|elementwise|leave-one-out", "true or false".</summary>
    public string Values => Range is { } r ? $"{Kind.Name()} in {r}" : Allowed is { } a ? string.Join("|", a) : Kind.Name();

    /// <summary>The default as `--hparam` would write it.</summary>
    public string DefaultText => HyperparameterText.Format(Default);

    /// <summary>One line for help text: "lr (a number in (0, inf)): AdamW learning rate; default 5e-06, search {5e-06, 1e-05}".</summary>
    public string Describe() => $"{Name} ({Values}): {Help}; default {DefaultText}, search {Search.Description}";

    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamePattern();
}
