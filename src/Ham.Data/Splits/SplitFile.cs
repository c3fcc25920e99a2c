using System.Text.Json;
using System.Text.Json.Nodes;
using Ham.Torch.Serialization;

namespace Ham.Data.Splits;

/// <summary>
/// A trial's split on disk, so a run can be audited and repeated: a JSON object with one entry per
/// domain, in DomainBed's environment order, <c>{"photo": {"test": false, "seed": S, "size": N,
/// "in": [...], "out": [...]}}</c>, where the indices point into the domain's sorted image list and
/// S is the seed_hash that drew them. Written temp-then-rename.
/// </summary>
public static class SplitFile
{
    public static void Write(string path, IReadOnlyList<DomainSplit> splits)
    {
        var root = new JsonObject();
        foreach (var s in splits)
        {
            root[s.Domain] = new JsonObject
            {
                ["test"] = s.IsTest,
                ["seed"] = s.Seed,
                ["size"] = s.In.Count + s.Out.Count,
                ["in"] = new JsonArray(s.In.Select(i => (JsonNode)i).ToArray()),
                ["out"] = new JsonArray(s.Out.Select(i => (JsonNode)i).ToArray()),
            };
        }
        OutputFile.WriteAllText(path, root.ToJsonString() + "\n");
    }

    /// <summary>Reads a file written by <see cref="Write"/>; a malformed one is an error naming the file and the domain.</summary>
    public static IReadOnlyList<DomainSplit> Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a split file ({e.Message})");
        }
        var splits = new List<DomainSplit>();
        foreach (var (domain, node) in root)
        {
            try
            {
                var entry = node!.AsObject();
                var ins = entry["in"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray();
                var outs = entry["out"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray();
                splits.Add(new DomainSplit(domain, entry["test"]!.GetValue<bool>(), entry["seed"]!.GetValue<int>(), ins, outs));
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}: domain '{domain}' needs \"test\", \"seed\", \"in\" and \"out\" ({e.Message})");
            }
        }
        return splits;
    }
}
