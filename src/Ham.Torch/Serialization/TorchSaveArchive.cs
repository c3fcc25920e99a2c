using System.IO.Compression;

namespace Ham.Torch.Serialization;

/// <summary>
/// torch.save's zip format (PyTorch >= 1.6; libtorch's pickle_save writes it too), read in managed
/// code: ARCHIVE/data.pkl is a pickle whose tensors are torch._utils._rebuild_tensor_v2(storage,
/// offset, size, stride, ...) calls over persistent ids ("storage", torch.FloatStorage, KEY, device,
/// numel), the storage's raw little-endian bytes being the entry ARCHIVE/data/KEY.
/// Managed because libtorch 1.13's unpickler turns every collections.OrderedDict into None
/// (pytorch/pytorch#100741), and torch.save(model.state_dict()) saves one.
/// </summary>
static unsafe class TorchSaveArchive
{
    static readonly Dictionary<string, DType> StorageTypes = new()
    {
        ["FloatStorage"] = DType.Float32, ["DoubleStorage"] = DType.Float64, ["HalfStorage"] = DType.Float16,
        ["BFloat16Storage"] = DType.BFloat16, ["LongStorage"] = DType.Int64, ["IntStorage"] = DType.Int32,
        ["ShortStorage"] = DType.Int16, ["CharStorage"] = DType.Int8, ["ByteStorage"] = DType.UInt8, ["BoolStorage"] = DType.Bool,
    };

    /// <summary>Every tensor of the saved object, named by its path through nested dicts ("state_dict.conv1.weight"). The caller owns them.</summary>
    public static Dictionary<string, Tensor> ReadTensors(string path)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a torch.save zip archive ({e.Message}); files saved before PyTorch 1.6, or with _use_new_zipfile_serialization=False, are not read", e);
        }
        using (zip)
        using (var scope = new DisposeScope())
        {
            var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
                ?? throw new InvalidDataException($"{path}: a zip archive without ARCHIVE/data.pkl, so not a torch.save file");
            string archive = pickle.FullName[..^"data.pkl".Length];
            var order = zip.GetEntry(archive + "byteorder");
            if (order is not null && new StreamReader(order.Open()).ReadToEnd().Trim() != "little")
                throw new InvalidDataException($"{path}: saved on a big-endian machine; only little-endian archives are read");

            var storages = new Dictionary<string, Tensor>();
            Tensor Storage(object? pid)
            {
                if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not PickleGlobal type || t[2] is not string key || t[4] is not long numel)
                    throw new InvalidDataException("a persistent id that is not a storage");
                if (storages.TryGetValue(key, out var cached)) return cached;
                if (!StorageTypes.TryGetValue(type.Name, out var dtype))
                    throw new InvalidDataException($"storage {key} is a {type}, which is not read (only real and integer dtypes)");
                var entry = zip.GetEntry($"{archive}data/{key}") ?? throw new InvalidDataException($"storage entry {archive}data/{key} is missing");
                return storages[key] = ReadStorage(entry, dtype, numel);
            }

            object? root;
            using (var stream = pickle.Open())
            using (var bytes = new MemoryStream())
            {
                stream.CopyTo(bytes);
                try
                {
                    root = new PickleMachine(bytes.ToArray(), Storage, Rebuild).Run();
                }
                catch (Exception e) when (e is InvalidDataException or InvalidCastException)
                {
                    throw new InvalidDataException($"{path}: {e.Message}", e);
                }
            }
            if (root is not PickleDict dict)
                throw new InvalidDataException($"{path}: holds a {root?.GetType().Name ?? "None"}, expected a dict of tensors");
            var result = new Dictionary<string, Tensor>();
            Collect(dict, "", result, new HashSet<Tensor>(ReferenceEqualityComparer.Instance));
            foreach (var t in result.Values) t.DetachFromScope();
            return result;
        }
    }

    /// <summary>
    /// Tensors of nested dicts under dotted names; other values (counters, strings, lists) are skipped.
    /// A tensor saved under two names (tied weights) gets a handle per name, so each can be disposed.
    /// </summary>
    static void Collect(PickleDict dict, string prefix, Dictionary<string, Tensor> result, HashSet<Tensor> seen)
    {
        foreach (var (key, value) in dict.Items)
        {
            string name = prefix.Length == 0 ? $"{key}" : $"{prefix}.{key}";
            if (value is Tensor t) result[name] = seen.Add(t) ? t : t.Alias();
            else if (value is PickleDict inner) Collect(inner, name, result, seen);
        }
    }

    /// <summary>
    /// torch._utils._rebuild_tensor_v2 and _rebuild_parameter, and torch.jit._pickle.restore_type_tag
    /// (libtorch's pickle_save wraps its dict in it: the value itself); other calls become opaque objects.
    /// </summary>
    static object? Rebuild(PickleGlobal global, object?[] args)
    {
        if (global is { Module: "torch.jit._pickle", Name: "restore_type_tag" } && args.Length > 0)
            return args[0];
        if (global is { Module: "torch._utils", Name: "_rebuild_parameter" or "_rebuild_parameter_with_state" } && args.Length > 0 && args[0] is Tensor data)
            return data;
        if (global is not { Module: "torch._utils", Name: "_rebuild_tensor_v2" })
            return new PickleObject(global, args);
        if (args.Length < 4 || args[0] is not Tensor storage || args[1] is not long offset || args[2] is not object?[] size || args[3] is not object?[] stride)
            throw new InvalidDataException("pickle: _rebuild_tensor_v2 with arguments it does not take");
        long[] shape = size.Select(s => (long)s!).ToArray();
        long[] strides = stride.Select(s => (long)s!).ToArray();
        long numel = shape.Aggregate(1L, (a, b) => a * b);
        if (numel == 0) return Tensor.Empty(shape, storage.DType);
        if (IsContiguous(shape, strides))
            return offset == 0 && numel == storage.NumEl ? storage.Reshape(shape) : storage.Narrow(0, offset, numel).Reshape(shape).Clone();
        // A view with its own strides: element i of the flat result sits at offset + sum_d index_d * stride_d.
        // (Intermediates belong to ReadTensors' scope.)
        var flat = Tensor.Full([1], offset, DType.Int64);
        for (int d = 0; d < shape.Length; d++)
            flat = (flat.Unsqueeze(-1) + Tensor.Arange(shape[d]) * strides[d]).Flatten();
        return storage.IndexSelect(0, flat).Reshape(shape);
    }

    static bool IsContiguous(long[] shape, long[] strides)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    static Tensor ReadStorage(ZipArchiveEntry entry, DType dtype, long numel)
    {
        long bytes = numel * dtype.ElementSize();
        if (entry.Length != bytes)
            throw new InvalidDataException($"{entry.FullName} has {entry.Length} bytes, its {numel} {dtype.Name()} elements need {bytes}");
        var storage = Tensor.Empty([numel], dtype);
        byte* target = (byte*)storage.DataAddress;
        using var stream = entry.Open();
        for (long done = 0; done < bytes;)
        {
            int chunk = (int)Math.Min(bytes - done, 1 << 30);
            stream.ReadExactly(new Span<byte>(target + done, chunk));
            done += chunk;
        }
        return storage;
    }
}
