using System.Text.Json.Nodes;

namespace Ham.Experiments;

/// <summary>
/// Fields of the JSON files of run folders (results.json, run.json, read by
/// <see cref="Ham.Torch.Serialization.JsonFile"/>), so that a hand-edited file is an error naming
/// the file and the field that is missing or wrong, not a NullReferenceException.
/// </summary>
static class JsonFields
{
    public static JsonObject Object(JsonObject parent, string name, string path) =>
        parent[name] as JsonObject ?? throw new InvalidDataException($"{path}: no '{name}' object");

    public static string String(JsonObject parent, string name, string path) =>
        parent[name] is JsonValue v && v.TryGetValue(out string? s) ? s : throw new InvalidDataException($"{path}: no '{name}' string");

    /// <summary>A finite number.</summary>
    public static double Number(JsonObject parent, string name, string path) =>
        parent[name] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : throw new InvalidDataException($"{path}: no '{name}' number");
}
