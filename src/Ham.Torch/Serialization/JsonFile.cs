using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ham.Torch.Serialization;

/// <summary>
/// The one way Ham reads a JSON file it expects an object in (run.json, results.json, state.json,
/// config.json, a shard index): an empty, cut or hand-edited file is an InvalidDataException
/// naming the file, not a JsonException that names nothing.
/// </summary>
public static class JsonFile
{
    /// <summary>The file's top-level object, as a node tree.</summary>
    public static JsonObject ReadObject(string path) =>
        Parse(path, text => JsonNode.Parse(text)) as JsonObject ?? throw NotAnObject(path);

    /// <summary>The file's top-level object, as a read-only element.</summary>
    public static JsonElement ReadObjectElement(string path)
    {
        var root = Parse(path, text =>
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        });
        return root.ValueKind == JsonValueKind.Object ? root : throw NotAnObject(path);
    }

    static T Parse<T>(string path, Func<string, T> parse)
    {
        string text = File.ReadAllText(path);
        try
        {
            return parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    static InvalidDataException NotAnObject(string path) => new($"{path}: not a JSON object");
}
