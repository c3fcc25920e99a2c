using System.Text.Json;

namespace Ham.Torch.Serialization;

/// <summary>
/// The safetensors files a model argument names, opened, with each tensor mapped to the file
/// that holds it. The argument is a .safetensors file; a folder with model.safetensors (or a
/// single .safetensors file); or a folder of Hugging Face shards listed in
/// model.safetensors.index.json, {"metadata": {...}, "weight_map": {tensor: shard file}} (the
/// index file itself may be named too). The index is checked: every shard it names lies inside
/// the folder and exists, and every tensor is in exactly the one shard the index gives it.
/// Names are in shard order (shard file names sorted), then file order within a shard, so a
/// model cut into consecutive shards lists its tensors as the whole file does.
/// </summary>
public sealed class CheckpointFiles : IDisposable
{
    public const string IndexName = "model.safetensors.index.json";
    public const string SingleName = "model.safetensors";

    readonly List<SafetensorsFile> _files;
    readonly Dictionary<string, (SafetensorsFile File, SafetensorsEntry Entry)> _byName;

    CheckpointFiles(string path, string? folder, List<SafetensorsFile> files, Dictionary<string, (SafetensorsFile, SafetensorsEntry)> byName, List<string> names)
    {
        Path = path;
        Folder = folder;
        _files = files;
        _byName = byName;
        Names = names;
    }

    /// <summary>The argument as given.</summary>
    public string Path { get; }

    /// <summary>The folder the argument named (null for a file): where its config files are.</summary>
    public string? Folder { get; }

    public IReadOnlyList<string> Names { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The file holding <paramref name="name"/> and its entry there.</summary>
    public (SafetensorsFile File, SafetensorsEntry Entry) Locate(string name) => _byName.TryGetValue(name, out var found) ? found
        : throw new SafetensorsException(SafetensorsError.MissingTensor, $"{Path}: no tensor named '{name}'");

    public static CheckpointFiles Open(string path)
    {
        if (File.Exists(path))
            return path.EndsWith(".index.json", StringComparison.Ordinal) ? OpenShards(path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, path)
                : OpenSingle(path, folder: null, path);
        if (!Directory.Exists(path)) throw new FileNotFoundException($"model not found: {path} (a .safetensors file or a folder of them)", path);
        string single = System.IO.Path.Combine(path, SingleName), index = System.IO.Path.Combine(path, IndexName);
        // As transformers' from_pretrained: the single file first, then the index.
        if (File.Exists(single)) return OpenSingle(single, path, path);
        if (File.Exists(index)) return OpenShards(index, path, path);
        var candidates = Directory.GetFiles(path, "*.safetensors");
        return candidates.Length == 1 ? OpenSingle(candidates[0], path, path)
            : throw new FileNotFoundException(candidates.Length == 0
                ? $"{path}: the folder has no .safetensors file and no {IndexName}"
                : $"{path}: the folder has {candidates.Length} .safetensors files and no {IndexName} to say how they form one model; name one file", path);
    }

    static CheckpointFiles OpenSingle(string file, string? folder, string path)
    {
        var opened = SafetensorsFile.Open(file);
        var byName = opened.Entries.ToDictionary(e => e.Name, e => (opened, e));
        return new CheckpointFiles(path, folder, [opened], byName, opened.Entries.Select(e => e.Name).ToList());
    }

    static CheckpointFiles OpenShards(string indexPath, string folder, string path)
    {
        var weightMap = ReadWeightMap(indexPath);
        string root = System.IO.Path.GetFullPath(folder);
        var files = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, (SafetensorsFile, SafetensorsEntry)>();
            var names = new List<string>();
            foreach (string shard in weightMap.Values.Distinct().Order(StringComparer.Ordinal))
            {
                string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, shard));
                if (!full.StartsWith(root.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"{indexPath}: shard '{shard}' (of '{weightMap.First(p => p.Value == shard).Key}') is not a file of the model folder: it lies outside the folder {folder}");
                if (!File.Exists(full))
                    throw new FileNotFoundException($"{indexPath} names shard '{shard}' (for '{weightMap.First(p => p.Value == shard).Key}'), which does not exist", full);
                var file = SafetensorsFile.Open(full);
                files.Add(file);
                foreach (var entry in file.Entries)
                {
                    if (byName.TryGetValue(entry.Name, out var earlier))
                        throw new InvalidDataException($"{indexPath}: tensor '{entry.Name}' is in two shards, {System.IO.Path.GetFileName(earlier.Item1.Path)} and {shard}");
                    if (!weightMap.TryGetValue(entry.Name, out string? listed))
                        throw new InvalidDataException($"{indexPath}: shard '{shard}' holds '{entry.Name}', which the index does not list");
                    if (listed != shard)
                        throw new InvalidDataException($"{indexPath}: the index puts '{entry.Name}' in '{listed}', but it is in '{shard}'");
                    byName[entry.Name] = (file, entry);
                    names.Add(entry.Name);
                }
            }
            foreach (var (name, shard) in weightMap)
                if (!byName.ContainsKey(name)) throw new InvalidDataException($"{indexPath}: the index puts '{name}' in '{shard}', which does not hold it");
            return new CheckpointFiles(path, folder, files, byName, names);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    /// <summary>The index's weight_map: tensor name -> shard file, each name once.</summary>
    static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        var root = JsonFile.ReadObjectElement(indexPath);
        if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{indexPath}: expected an object with a \"weight_map\" object of tensor name -> shard file");
        var weightMap = new Dictionary<string, string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{indexPath}: weight_map entry '{entry.Name}' is not a shard file name");
            if (!weightMap.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new InvalidDataException($"{indexPath}: weight_map names tensor '{entry.Name}' twice");
        }
        return weightMap;
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
