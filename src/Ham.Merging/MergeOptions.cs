using System.Globalization;
using Ham.Merging.Parameters;

namespace Ham.Merging;

/// <summary>Whether a magnitude threshold is taken over the whole model or per tensor.</summary>
public enum TrimScope { Model, Tensor }

/// <summary>
/// The parameter values of a merge, by name, as given (text, from flags, the YAML config or
/// code); each method reads the ones it declares through their declarations
/// (<see cref="MergeMethod.Declarations"/>), which parse and check them. A name without a value
/// takes the declaration's default.
/// </summary>
public sealed record MergeOptions
{
    public IReadOnlyDictionary<string, ParameterValue> Values { get; init; } = new Dictionary<string, ParameterValue>();

    /// <summary>Names absent from some input take the base's values instead of being an error.</summary>
    public bool AllowMissing { get; init; }

    /// <summary>Per-tensor rules by parameter name ("density", ...), over the value of the same name.</summary>
    public IReadOnlyDictionary<string, TensorSetting> PerTensor { get; init; } = new Dictionary<string, TensorSetting>();

    /// <summary>Per-model weights that may differ per tensor (a model's tensor no rule matches weighs 1); over "weights".</summary>
    public IReadOnlyList<TensorSetting>? ModelWeights { get; init; }

    /// <summary>The names given a value, a per-tensor rule or per-model weights.</summary>
    public IEnumerable<string> Given => Values.Keys.Union(PerTensor.Keys).Union(ModelWeights is null ? [] : ["weights"]);

    /// <summary>These options with <paramref name="name"/> set to <paramref name="texts"/> (one text, or a list's).</summary>
    public MergeOptions With(string name, params string[] texts) =>
        this with { Values = new Dictionary<string, ParameterValue>(Values) { [name] = new(texts, $"'{name}'") } };

    public MergeOptions With(string name, double value) => With(name, value.ToString("R", CultureInfo.InvariantCulture));

    public MergeOptions With(string name, long value) => With(name, value.ToString(CultureInfo.InvariantCulture));

    public MergeOptions With(string name, IEnumerable<double> values) => With(name, values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray());

    /// <summary>Every rule of the per-tensor settings, with the parameter it belongs to.</summary>
    public IEnumerable<(string Parameter, TensorRule Rule)> Rules =>
        PerTensor.SelectMany(p => p.Value.Rules.Select(r => (p.Key, r)))
            .Concat((ModelWeights ?? []).SelectMany((w, i) => w.Rules.Select(r => ($"weight of model {i + 1}", r))));

    /// <summary>
    /// The options as they apply to tensor <paramref name="tensor"/>: every per-tensor rule that
    /// matches it replaces the value of its parameter, and per-model weights become "weights".
    /// </summary>
    public MergeOptions For(string tensor)
    {
        if (PerTensor.Count == 0 && ModelWeights is null) return this;
        var values = new Dictionary<string, ParameterValue>(Values);
        foreach (var (name, setting) in PerTensor)
            if (setting.RuleFor(tensor) is { } rule)
                values[name] = new([rule.Value.ToString("R", CultureInfo.InvariantCulture)], $"{rule.Where}: '{name}'");
        if (ModelWeights is { } weights)
            values["weights"] = new(weights.Select(w => (w.ValueFor(tensor) ?? 1).ToString("R", CultureInfo.InvariantCulture)).ToArray(), "per-model weights");
        return this with { Values = values, PerTensor = new Dictionary<string, TensorSetting>(), ModelWeights = null };
    }
}
