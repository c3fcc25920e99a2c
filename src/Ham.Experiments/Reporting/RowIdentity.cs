using System.Text.Json.Nodes;

namespace Ham.Experiments.Reporting;

/// <summary>
/// What must be equal for runs to share a table row: the whole configuration but what a sweep
/// varies inside a row (test domain, trial seed, seed, hyperparameter trial and its resolved
/// values, and the path of a post-hoc model, each run having its own). A variant's fixed values,
/// the checkpoint, the image size, the eval cadence, precision and device are all part of it, so
/// runs that differ in any of them get rows of their own.
/// </summary>
static class RowIdentity
{
    static readonly HashSet<string> VariedInsideARow = ["test_domain", "trial_seed", "seed", "hparams_seed", "hyperparameters", "evaluated", "evaluated_bytes"];

    public static JsonObject Of(JsonObject configuration, params string[] alsoVaried)
    {
        var identity = new JsonObject();
        foreach (var (name, value) in configuration)
            if (!VariedInsideARow.Contains(name) && !alsoVaried.Contains(name)) identity[name] = value?.DeepClone();
        return identity;
    }

    /// <summary>
    /// Row labels: the variant's, and where two rows share it, the fields whose values tell them
    /// apart ("ham (lambda=0, checkpoint=/m/b.pt)"); a fixed hyperparameter one row lacks reads "(unset)".
    /// </summary>
    public static IReadOnlyList<string> Labels(IReadOnlyList<JsonObject> identities)
    {
        var flat = identities.Select(Flatten).ToList();
        var labels = new List<string>();
        for (int i = 0; i < identities.Count; i++)
        {
            string variant = identities[i]["variant"]!.GetValue<string>();
            var same = Enumerable.Range(0, identities.Count).Where(j => identities[j]["variant"]!.GetValue<string>() == variant).ToList();
            if (same.Count == 1)
            {
                labels.Add(variant);
                continue;
            }
            var names = same.SelectMany(j => flat[j].Keys).Distinct().Where(n => n != "variant")
                .Where(n => same.Select(j => flat[j].GetValueOrDefault(n)).Distinct().Count() > 1).ToList();
            labels.Add($"{variant} ({string.Join(", ", names.Select(n => $"{n}={flat[i].GetValueOrDefault(n) ?? "(unset)"}"))})");
        }
        return labels;
    }

    /// <summary>Field -> text, a fixed hyperparameter under its own name.</summary>
    static Dictionary<string, string> Flatten(JsonObject identity)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in identity)
            if (value is JsonObject inner)
                foreach (var (innerName, innerValue) in inner) flat[innerName] = Text(innerValue);
            else flat[name] = Text(value);
        return flat;
    }

    static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString() ?? "null";
}
