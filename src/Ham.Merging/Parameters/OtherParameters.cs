using System.Globalization;

namespace Ham.Merging.Parameters;

/// <summary>An integer (a seed, a count) in [<see cref="Low"/>, <see cref="High"/>].</summary>
public sealed record IntegerParameter(string Name, long Default, string Help, long Low = long.MinValue, long High = long.MaxValue)
    : MergeParameter(Name, Help)
{
    public override string DefaultText => Default.ToString(CultureInfo.InvariantCulture);

    public override void Check(ParameterValue value) => Parse(value);

    public long Of(MergeOptions options) => Given(options) is { } value ? Parse(value) : Default;

    long Parse(ParameterValue value)
    {
        string text = Single(value).Texts[0];
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number))
            throw new ArgumentException($"{value.Subject} must be an integer, got '{text}'");
        return number >= Low && number <= High ? number
            : throw new ArgumentException($"{value.Subject} must be in [{Low}, {High}], got {number}");
    }
}

/// <summary>One of an enum's members, written in lower case ("model", "tensor").</summary>
public sealed record ChoiceParameter<T>(string Name, T Default, string Help) : MergeParameter(Name, Help) where T : struct, Enum
{
    static string[] Choices => Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();

    public override string DefaultText => Default.ToString().ToLowerInvariant();

    public override void Check(ParameterValue value) => Parse(value);

    public T Of(MergeOptions options) => Given(options) is { } value ? Parse(value) : Default;

    T Parse(ParameterValue value)
    {
        string text = Single(value).Texts[0];
        return Choices.Contains(text) ? Enum.Parse<T>(text, ignoreCase: true)
            : throw new ArgumentException($"{value.Subject} must be {string.Join(" or ", Choices.Select(c => $"'{c}'"))}, got '{text}'");
    }
}

/// <summary>A text (a folder, a domain, a device name); a null default makes it required by the methods that declare it.</summary>
public sealed record TextParameter(string Name, string? Default, string Help, bool Path = false) : MergeParameter(Name, Help)
{
    public override bool IsPath => Path;

    public override string? DefaultText => Default;

    public override void Check(ParameterValue value) => Single(value);

    /// <summary>The value, else the default; null when neither is there.</summary>
    public string? Of(MergeOptions options) => Given(options) is { } value ? Single(value).Texts[0] : Default;
}

/// <summary>A list of texts (one domain per model).</summary>
public sealed record TextListParameter(string Name, string Help) : MergeParameter(Name, Help)
{
    public override bool IsList => true;

    public override string? DefaultText => null;

    public override void Check(ParameterValue value) { }

    public IReadOnlyList<string>? Of(MergeOptions options) => Given(options)?.Texts;
}

/// <summary>A list of real numbers (per-model weights); null when not given.</summary>
public sealed record NumberListParameter(string Name, string Help, string DefaultDescription) : MergeParameter(Name, Help)
{
    public override bool IsList => true;

    public override string DefaultText => DefaultDescription;

    public override void Check(ParameterValue value) => Parse(value);

    public IReadOnlyList<double>? Of(MergeOptions options) => Given(options) is { } value ? Parse(value) : null;

    static double[] Parse(ParameterValue value) => value.Texts.Select(t =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x
            : throw new ArgumentException($"{value.Subject} must be numbers, got '{t}'")).ToArray();
}
