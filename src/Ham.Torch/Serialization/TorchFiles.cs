namespace Ham.Torch.Serialization;

/// <summary>What a PyTorch zip file holds: a torch.save dict of tensors, or a TorchScript module.</summary>
public enum TorchFileKind
{
    StateDict,
    TorchScript,
}

/// <summary>
/// PyTorch's own formats, read without libtorch's loaders: torch.save files (a pickled dict of
/// tensors; nested dicts give dotted names) and TorchScript archives (torch.jit.save: a pickled
/// tree of modules whose parameters and buffers the classes in code/ declare). Both are a
/// <see cref="TorchArchive"/> whose data.pkl is read by <see cref="PickleReader"/>; each tensor's
/// storage record is checked to hold exactly the bytes its persistent id claims, and each view
/// (offset, sizes, strides) to lie inside its storage, before anything is copied. Nothing in the
/// pickle is executed. Tensors come back on CPU, contiguous, owned by the caller.
/// </summary>
public static class TorchFiles
{
    /// <summary>How deep a dict or module tree may nest (CLIP's module trees are about 8 deep).</summary>
    public const int MaxDepth = 100;

    /// <summary>Named parameters and buffers of a TorchScript archive (torch.jit.save), e.g. OpenAI's released CLIP .pt files.</summary>
    public static Dictionary<string, Tensor> ReadTorchScript(string path)
    {
        var (tensors, kind) = Read(path);
        if (kind == TorchFileKind.TorchScript) return tensors;
        Dispose(tensors);
        throw new InvalidDataException($"{path}: a torch.save file, not a TorchScript archive");
    }

    /// <summary>The tensors of a torch.save dict (nested dicts give dotted names).</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        var (tensors, kind) = Read(path);
        if (kind == TorchFileKind.StateDict) return tensors;
        Dispose(tensors);
        throw new InvalidDataException($"{path}: a TorchScript archive, not a torch.save dict of tensors");
    }

    /// <summary>Either kind of file, and which it was.</summary>
    public static (Dictionary<string, Tensor> Tensors, TorchFileKind Kind) Read(string path)
    {
        using var archive = TorchArchive.Open(path);
        return Read(archive);
    }

    /// <summary>A file's bytes from <paramref name="stream"/> (which is disposed); <paramref name="path"/> names it in errors.</summary>
    public static (Dictionary<string, Tensor> Tensors, TorchFileKind Kind) Read(Stream stream, string path)
    {
        using var archive = TorchArchive.Open(stream, path);
        return Read(archive);
    }

    /// <summary>
    /// The tensor names of either kind of file and which kind it is, from its pickle alone: no
    /// storage record is read (telling a torchvision state dict from a CLIP costs one small record).
    /// </summary>
    public static (List<string> Names, TorchFileKind Kind) ReadNames(string path)
    {
        using var archive = TorchArchive.Open(path);
        var names = new List<string>();
        var kind = Walk(archive, (name, _) => names.Add(name));
        return (names, kind);
    }

    static (Dictionary<string, Tensor> Tensors, TorchFileKind Kind) Read(TorchArchive archive)
    {
        var storages = new TorchStorages(archive);
        var result = new Dictionary<string, Tensor>();
        try
        {
            var kind = Walk(archive, (name, value) => Add(result, name, storages.Build(value, name), archive.Path));
            return (result, kind);
        }
        catch
        {
            Dispose(result);
            throw;
        }
    }

    /// <summary>Hands every tensor of the archive's data.pkl to <paramref name="add"/> by its dotted name; returns what kind of file it is.</summary>
    static TorchFileKind Walk(TorchArchive archive, Action<string, PickleReduce> add)
    {
        string path = archive.Path;
        var root = PickleReader.Read(archive.Read("data.pkl"), $"{path}: {archive.Prefix}/data.pkl");
        switch (root)
        {
            case PickleObject module when module.Type.Module.StartsWith("__torch__", StringComparison.Ordinal):
                new TorchScriptModules(archive).Collect(module, "", 0, add);
                return TorchFileKind.TorchScript;
            case PickleDict dict:
                CollectDict(dict, "", 0, path, add);
                return TorchFileKind.StateDict;
            default:
                throw new InvalidDataException($"{path}: holds a {PickleReader.Describe(root)}, not a dict of tensors or a TorchScript module" +
                    (root is PickleObject or PickleReduce ? " (a pickled Python object: save its state_dict() instead)" : ""));
        }
    }

    /// <summary>Tensors anywhere below a dict, named by their dotted key paths; values that are not tensors or dicts are skipped.</summary>
    static void CollectDict(PickleDict dict, string prefix, int depth, string path, Action<string, PickleReduce> add)
    {
        if (depth > MaxDepth) throw new InvalidDataException($"{path}: dicts nested deeper than {MaxDepth} levels at '{prefix}'");
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name) throw new InvalidDataException($"{path}: a key under '{prefix}' is a {PickleReader.Describe(key)}, not a string");
            string full = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (value is PickleDict inner) CollectDict(inner, full, depth + 1, path, add);
            else if (TorchStorages.IsTensor(value)) add(full, (PickleReduce)value!);
        }
    }

    static void Add(Dictionary<string, Tensor> result, string name, Tensor tensor, string path)
    {
        if (!result.TryAdd(name, tensor))
        {
            tensor.Dispose();
            throw new InvalidDataException($"{path}: two tensors are named '{name}'");
        }
    }

    static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values) t.Dispose();
    }
}
