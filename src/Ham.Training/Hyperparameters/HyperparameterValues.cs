using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ham.Training.Hyperparameters;

/// <summary>
/// The resolved hyperparameters of one run: a value for every hyperparameter of its space, in the
/// space's order, immutable (DomainBed's <c>hparams</c> dict). run.json records <see cref="ToJson"/>.
/// </summary>
public sealed class HyperparameterValues
{
    readonly HyperparameterSpace space;
    readonly object[] values;

    internal HyperparameterValues(HyperparameterSpace space, object[] values)
    {
        this.space = space;
        this.values = values;
    }

    public string Algorithm => space.Algorithm;
    public string Backbone => space.Backbone;
    public IReadOnlyList<Hyperparameter> Parameters => space.Parameters;
    public IReadOnlyList<string> Names => space.Names;

    public bool Contains(string name) => space.IndexOf(name) >= 0;

    /// <summary>The value of <paramref name="name"/>, boxed as its kind (double, int, bool or string).</summary>
    public object this[string name] => values[space.IndexOfKnown(name)];

    public double Double(string name) => Get<double>(name, HyperparameterKind.Double);
    public int Int(string name) => Get<int>(name, HyperparameterKind.Int);
    public bool Bool(string name) => Get<bool>(name, HyperparameterKind.Bool);
    public string String(string name) => Get<string>(name, HyperparameterKind.String);

    T Get<T>(string name, HyperparameterKind kind)
    {
        int i = space.IndexOfKnown(name);
        var parameter = space.Parameters[i];
        if (parameter.Kind != kind)
            throw new InvalidOperationException($"hyperparameter '{name}' of {Algorithm} is {parameter.Kind.Name()}, not {kind.Name()}: read it with {parameter.Kind}(\"{name}\")");
        return (T)values[i];
    }

    /// <summary>Name -> value in the space's order (numbers, true/false, strings); a new object the caller owns.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        for (int i = 0; i < values.Length; i++)
            json[space.Parameters[i].Name] = values[i] switch
            {
                double d => JsonValue.Create(d),
                int n => JsonValue.Create(n),
                bool b => JsonValue.Create(b),
                _ => JsonValue.Create((string)values[i]),
            };
        return json;
    }

    /// <summary>
    /// Reads what <see cref="ToJson"/> wrote for <paramref name="space"/>: every hyperparameter of the
    /// space must be there, nothing else, each of its kind and in range.
    /// </summary>
    public static HyperparameterValues FromJson(JsonObject json, HyperparameterSpace space)
    {
        var unknown = json.Select(p => p.Key).Where(k => space.IndexOf(k) < 0).ToArray();
        if (unknown.Length > 0) throw space.UnknownNames(unknown);
        var missing = space.Names.Where(n => !json.ContainsKey(n)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"hyperparameters of {space.Algorithm} ({space.Backbone}) lack {string.Join(", ", missing)}");
        var values = space.Parameters.Select(p =>
        {
            object value = Read(json[p.Name], p);
            p.Require(value);
            return value;
        }).ToArray();
        return new HyperparameterValues(space, values);
    }

    static object Read(JsonNode? node, Hyperparameter parameter)
    {
        var element = node is null ? default : JsonSerializer.SerializeToElement(node);
        object? value = (parameter.Kind, element.ValueKind) switch
        {
            (HyperparameterKind.Double, JsonValueKind.Number) => element.GetDouble(),
            (HyperparameterKind.Int, JsonValueKind.Number) => element.TryGetInt32(out int i) ? i : null,
            (HyperparameterKind.Bool, JsonValueKind.True or JsonValueKind.False) => element.GetBoolean(),
            (HyperparameterKind.String, JsonValueKind.String) => element.GetString(),
            _ => null,
        };
        return value ?? throw new ArgumentException($"hyperparameter '{parameter.Name}' takes {parameter.Kind.Name()}, got {node?.ToJsonString() ?? "null"}");
    }

    /// <summary>"lr=5e-06, weight_decay=0.1, ...": for logs.</summary>
    public override string ToString() =>
        string.Join(", ", values.Select((v, i) => $"{space.Parameters[i].Name}={HyperparameterText.Format(v)}"));
}
