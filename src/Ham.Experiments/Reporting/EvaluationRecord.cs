using System.Text.Json.Nodes;

namespace Ham.Experiments.Reporting;

/// <summary>The accuracies of one domain in a record: a source has its out-split's, the test domain both.</summary>
public sealed record SplitAccuracy(double? In, double? Out);

/// <summary>
/// One line of a run's results.jsonl (<see cref="Ham.Training.RunRecords"/>): the run's
/// configuration, then the step, which model was scored, whether it is the delivered one, and
/// the accuracy per domain and split.
/// </summary>
public sealed record EvaluationRecord(JsonObject Configuration, int Step, string Model, bool Delivered, IReadOnlyDictionary<string, SplitAccuracy> Accuracy)
{
    /// <summary>The fields of a record that describe the measurement; every other field is the run's configuration.</summary>
    static readonly HashSet<string> Measurement = ["step", "model", "delivered", "accuracy"];

    public string TestDomain => Configuration["test_domain"]!.GetValue<string>();

    /// <summary>Training-domain validation accuracy: the mean over the sources' out-splits (DomainBed's IIDAccuracySelectionMethod).</summary>
    public double SourceValidation =>
        Accuracy.Where(a => a.Key != TestDomain).Select(a => a.Value.Out ?? throw new InvalidDataException($"source {a.Key} has no out-split accuracy")).Average();

    public double TestIn => Accuracy[TestDomain].In ?? throw new InvalidDataException($"test domain {TestDomain} has no in-split accuracy");

    public double TestOut => Accuracy[TestDomain].Out ?? throw new InvalidDataException($"test domain {TestDomain} has no out-split accuracy");

    /// <summary>Parses one record; <paramref name="where"/> ("FILE line N") names it in errors.</summary>
    public static EvaluationRecord Parse(JsonObject json, string where)
    {
        var configuration = new JsonObject();
        foreach (var (name, value) in json)
            if (!Measurement.Contains(name)) configuration[name] = value?.DeepClone();
        foreach (string name in new[] { "variant", "algorithm", "dataset", "test_domain" }) JsonFields.String(json, name, where);
        foreach (string name in new[] { "trial_seed", "hparams_seed" }) Int(json, name, where);
        var accuracy = new Dictionary<string, SplitAccuracy>(StringComparer.Ordinal);
        foreach (var (domain, node) in JsonFields.Object(json, "accuracy", where))
        {
            var splits = node as JsonObject ?? throw new InvalidDataException($"{where}: accuracy of '{domain}' is not an object");
            double? Split(string name) => splits.ContainsKey(name) ? JsonFields.Number(splits, name, $"{where}, accuracy of '{domain}'") : null;
            accuracy[domain] = new SplitAccuracy(Split("in"), Split("out"));
        }
        string test = configuration["test_domain"]!.GetValue<string>();
        if (!accuracy.TryGetValue(test, out var testAccuracy) || testAccuracy.In is null || testAccuracy.Out is null)
            throw new InvalidDataException($"{where}: no in- and out-split accuracy of the test domain '{test}'");
        if (accuracy.Any(a => a.Key != test && a.Value.Out is null))
            throw new InvalidDataException($"{where}: a source domain has no out-split accuracy");
        bool delivered = json["delivered"] is JsonValue d && d.TryGetValue(out bool b) ? b : throw new InvalidDataException($"{where}: no 'delivered' true/false");
        return new EvaluationRecord(configuration, Int(json, "step", where), JsonFields.String(json, "model", where), delivered, accuracy);
    }

    static int Int(JsonObject json, string name, string where) =>
        json[name] is JsonValue v && v.TryGetValue(out int n) ? n : throw new InvalidDataException($"{where}: no '{name}' integer");
}
