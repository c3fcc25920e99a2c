using System.Text.Json;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Merging.Checkpoints;

/// <summary>
/// Writes a merged model tensor by tensor, in the order of its layout, to a <see cref="MergeOutput"/>:
/// one safetensors file, or a folder of shards. Nothing appears at the output path until
/// <see cref="Complete"/>; disposing an incomplete writer removes what it wrote.
/// </summary>
public abstract class CheckpointWriter : IDisposable
{
    public abstract void Write(string name, Tensor tensor);

    public abstract void Complete();

    public abstract void Dispose();

    /// <summary>
    /// A writer for <paramref name="layout"/> (names, dtypes as written, shapes); a sharded one copies
    /// the config files of <paramref name="configFolder"/> (the base's folder, if it was one).
    /// </summary>
    public static CheckpointWriter Open(MergeOutput output, IReadOnlyList<(string Name, DType DType, long[] Shape)> layout,
        IReadOnlyDictionary<string, string> metadata, string? configFolder) =>
        output.ShardSize is { } size ? new ShardedCheckpointWriter(output.Path, layout, metadata, size, configFolder) : new SingleFile(new SafetensorsWriter(output.Path, layout, metadata));

    sealed class SingleFile(SafetensorsWriter writer) : CheckpointWriter
    {
        public override void Write(string name, Tensor tensor) => writer.Write(name, tensor);
        public override void Complete() => writer.Complete();
        public override void Dispose() => writer.Dispose();
    }
}

/// <summary>
/// A Hugging Face sharded checkpoint: model-00001-of-0000N.safetensors ..., each at most
/// <c>shardSize</c> data bytes (tensors in layout order, a new shard when the next tensor would
/// not fit; a tensor larger than the size gets a shard of its own), and
/// model.safetensors.index.json, {"metadata": {"total_size": data bytes}, "weight_map": {tensor: shard}}.
/// Each shard's metadata is the merge's plus "format": "pt", which transformers' loader asks for.
/// Everything is written into "OUT.tmp" and that folder is renamed onto OUT (which must not
/// exist, or be empty) at the end.
/// </summary>
sealed class ShardedCheckpointWriter : CheckpointWriter
{
    /// <summary>Config files beside the weights that a Hugging Face folder carries (config.json, tokenizer files, ...).</summary>
    static readonly string[] ConfigExtensions = [".json", ".txt", ".model", ".md"];

    readonly string _folder;
    readonly string _temp;
    readonly List<List<(string Name, DType DType, long[] Shape)>> _shards;
    readonly Dictionary<string, string> _metadata;
    readonly string? _configFolder;
    readonly long _totalSize;
    int _shard = -1, _written;
    SafetensorsWriter? _writer;
    bool _completed;

    public ShardedCheckpointWriter(string folder, IReadOnlyList<(string Name, DType DType, long[] Shape)> layout,
        IReadOnlyDictionary<string, string> metadata, long shardSize, string? configFolder)
    {
        if (shardSize < 1) throw new ArgumentException($"--out-shard-size must be at least 1 byte, got {shardSize}");
        if (File.Exists(folder)) throw new IOException($"--out {folder} is a file; a sharded output is a folder");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new IOException($"--out {folder} exists and is not empty; a sharded output is written into a new or empty folder");
        _folder = folder;
        _temp = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + ".tmp";
        _shards = Plan(layout, shardSize);
        _totalSize = layout.Sum(t => Bytes(t.DType, t.Shape));
        _metadata = new Dictionary<string, string>(metadata) { ["format"] = "pt" };
        _configFolder = configFolder;
        if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true); // left by a merge that was killed
        Directory.CreateDirectory(_temp);
    }

    static long Bytes(DType dtype, long[] shape) => shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();

    static List<List<(string, DType, long[])>> Plan(IReadOnlyList<(string Name, DType DType, long[] Shape)> layout, long shardSize)
    {
        var shards = new List<List<(string, DType, long[])>> { new() };
        long used = 0;
        foreach (var tensor in layout)
        {
            long size = Bytes(tensor.DType, tensor.Shape);
            if (shards[^1].Count > 0 && used + size > shardSize)
            {
                shards.Add([]);
                used = 0;
            }
            shards[^1].Add(tensor);
            used += size;
        }
        return shards;
    }

    string ShardName(int index) => $"model-{index + 1:D5}-of-{_shards.Count:D5}.safetensors";

    public override void Write(string name, Tensor tensor)
    {
        if (_writer is null || _written == _shards[_shard].Count)
        {
            _writer?.Complete();
            _writer?.Dispose();
            if (++_shard >= _shards.Count) throw new InvalidOperationException($"{_folder}: '{name}' is beyond the tensors of the layout");
            _writer = new SafetensorsWriter(Path.Combine(_temp, ShardName(_shard)), _shards[_shard], _metadata);
            _written = 0;
        }
        _writer.Write(name, tensor);
        _written++;
    }

    public override void Complete()
    {
        if (_shard != _shards.Count - 1 || _written != _shards[^1].Count)
            throw new InvalidOperationException($"{_folder}: not every tensor of the layout was written");
        _writer!.Complete();
        WriteIndex();
        CopyConfigFiles();
        if (Directory.Exists(_folder)) Directory.Delete(_folder); // empty, as checked at the start
        Directory.Move(_temp, _folder);
        _completed = true;
    }

    void WriteIndex()
    {
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int s = 0; s < _shards.Count; s++)
            foreach (var (name, _, _) in _shards[s]) weightMap[name] = ShardName(s);
        var index = new { metadata = new { total_size = _totalSize }, weight_map = weightMap };
        File.WriteAllText(Path.Combine(_temp, CheckpointFiles.IndexName), JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    void CopyConfigFiles()
    {
        if (_configFolder is null) return;
        foreach (string file in Directory.GetFiles(_configFolder))
        {
            string name = Path.GetFileName(file);
            if (name == CheckpointFiles.IndexName || !ConfigExtensions.Contains(Path.GetExtension(name))) continue;
            File.Copy(file, Path.Combine(_temp, name));
        }
    }

    public override void Dispose()
    {
        _writer?.Dispose();
        if (!_completed && Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
    }
}
