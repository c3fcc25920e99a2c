namespace Ham.Merging.Parameters;

/// <summary>
/// A value given for a parameter, as text (one token, or several for a list), with
/// <see cref="Subject"/> saying where it was given for errors: "--density" for a flag,
/// "merge.yaml, line 4: 'density'" for the YAML config, "'density'" from code.
/// </summary>
public sealed record ParameterValue(IReadOnlyList<string> Texts, string Subject)
{
    public bool IsFlag => Subject.StartsWith("--", StringComparison.Ordinal);
}

/// <summary>
/// One parameter of a merge method, declared once by the method: its name (the YAML key and,
/// after "--", the flag), the values it takes, its default and its help. The YAML reader, the
/// CLI's flags (their help and the refusal of flags the method does not read) and the method's
/// typed reads (<c>Density.Of(options)</c>) all come from this declaration.
/// </summary>
public abstract record MergeParameter(string Name, string Help)
{
    /// <summary>Whether a value is a list: several flag tokens, a YAML sequence of scalars.</summary>
    public virtual bool IsList => false;

    /// <summary>Whether the YAML config may give a list of {filter, value} rules instead of one value.</summary>
    public virtual bool PerTensor => false;

    /// <summary>Whether the value is a file or folder path, resolved against the YAML file's folder.</summary>
    public virtual bool IsPath => false;

    /// <summary>The default as help prints it; null when the parameter is required.</summary>
    public abstract string? DefaultText { get; }

    /// <summary>Throws, naming the value's subject, unless its texts are a valid value.</summary>
    public abstract void Check(ParameterValue value);

    /// <summary>The value given in <paramref name="options"/>, or null.</summary>
    protected ParameterValue? Given(MergeOptions options) => options.Values.GetValueOrDefault(Name);

    protected ParameterValue Single(ParameterValue value) =>
        value.Texts.Count == 1 ? value : throw new ArgumentException($"{value.Subject} must be a single value, got {value.Texts.Count}");
}
