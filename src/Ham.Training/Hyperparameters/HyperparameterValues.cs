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

    /// <summary>"lr=5e-06, weight_decay=0.1, ...": for logs.</summary>
    public override string ToString() =>
        string.Join(", ", values.Select((v, i) => $"{space.Parameters[i].Name}={HyperparameterText.Format(v)}"));
}
