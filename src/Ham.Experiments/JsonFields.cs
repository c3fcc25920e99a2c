using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ham.Experiments;

/// <summary>
/// Reads the JSON files of run folders (results.json, run.json) so that an empty, cut or
/// hand-edited file is an error naming the file and the field that is missing or wrong, not a
/// JsonException or a NullReferenceException.
/// </summary>
static class JsonFields
{
    public static JsonObject ReadObject(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})");
        }
        return node as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object");
    }

    public static JsonObject Object(JsonObject parent, string name, string path) =>
        parent[name] as JsonObject ?? throw new InvalidDataException($"{path}: no '{name}' object");

    public static string String(JsonObject parent, string name, string path) =>
        parent[name] is JsonValue v && v.TryGetValue(out string? s) ? s : throw new InvalidDataException($"{path}: no '{name}' string");

    /// <summary>A finite number.</summary>
    public static double Number(JsonObject parent, string name, string path) =>
        parent[name] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : throw new InvalidDataException($"{path}: no '{name}' number");
}
