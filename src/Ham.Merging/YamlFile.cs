using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ham.Merging;

/// <summary>What Ham's YAML files (merge configs, study files) share: one mapping document read, and errors that name the file and line.</summary>
public static class YamlFile
{
    /// <summary>The file's one document of 'key: value' fields; a syntax error names its line.</summary>
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}, line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }
        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root ? root
            : throw new InvalidDataException($"{path}: expected one YAML document of 'key: value' fields");
    }

    /// <summary>"FILE, line N: message" for the node's line.</summary>
    public static InvalidDataException Error(string path, YamlNode node, string message) => new($"{path}, line {node.Start.Line}: {message}");
}
