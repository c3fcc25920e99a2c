namespace Ham.Torch.Serialization;

/// <summary>
/// Turns the pickle's tensor reduces into tensors. In both torch.save and TorchScript files a
/// tensor is <c>torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)</c>
/// (torch/_utils.py), optionally wrapped in <c>_rebuild_parameter(tensor, ...)</c>, and a storage is
/// the persistent id <c>('storage', torch.FloatStorage, KEY, location, numel)</c> whose bytes are
/// record data/KEY (torch/serialization.py, _save). A record is read once however many tensors
/// view it, and must hold exactly numel x element-size bytes; a view must fit inside it.
/// </summary>
sealed class TorchStorages(TorchArchive archive)
{
    static readonly Dictionary<string, DType> StorageTypes = new()
    {
        ["FloatStorage"] = DType.Float32, ["HalfStorage"] = DType.Float16, ["BFloat16Storage"] = DType.BFloat16,
        ["DoubleStorage"] = DType.Float64, ["LongStorage"] = DType.Int64, ["IntStorage"] = DType.Int32,
        ["ShortStorage"] = DType.Int16, ["CharStorage"] = DType.Int8, ["ByteStorage"] = DType.UInt8, ["BoolStorage"] = DType.Bool,
    };

    readonly Dictionary<string, (DType DType, long Count, byte[] Bytes)> records = [];

    string Path => archive.Path;

    /// <summary>Whether a pickled value is one of torch's tensor reduces.</summary>
    public static bool IsTensor(object? value) => value is PickleReduce { Callable: { Module: "torch._utils" } c } &&
        c.Name is "_rebuild_tensor_v2" or "_rebuild_tensor" or "_rebuild_parameter" or "_rebuild_parameter_with_state";

    /// <summary>A new contiguous CPU tensor with the values <paramref name="reduce"/> describes (the caller owns it).</summary>
    public Tensor Build(PickleReduce reduce, string name)
    {
        InvalidDataException Bad(string why) => new($"{Path}: tensor '{name}': {why}");
        // A parameter wraps its tensor; unwrapped by a loop, so no chain of wrappers can run deep.
        while (reduce.Callable.Name is "_rebuild_parameter" or "_rebuild_parameter_with_state")
        {
            if (reduce.Arguments.Count < 1 || reduce.Arguments[0] is not PickleReduce data || !IsTensor(data))
                throw Bad($"{reduce.Callable} does not wrap a tensor");
            reduce = data;
        }
        var args = reduce.Arguments;
        if (args.Count < 4) throw Bad($"{reduce.Callable} has {args.Count} arguments, expected at least 4");
        var (dtype, count, bytes) = Storage(args[0], name);
        long offset = Integer(args[1], "storage offset", name);
        long[] sizes = Integers(args[2], "size", name);
        long[] strides = Integers(args[3], "stride", name);
        if (sizes.Length != strides.Length) throw Bad($"size [{string.Join(", ", sizes)}] and stride [{string.Join(", ", strides)}] differ in length");
        long elements = 1, last = offset;
        foreach (var (size, stride) in sizes.Zip(strides))
        {
            if (size < 0 || stride < 0) throw Bad($"negative size or stride in [{string.Join(", ", sizes)}] / [{string.Join(", ", strides)}]");
            elements = size == 0 || elements == 0 ? 0 : Checked(() => checked(elements * size), name, "its size");
            if (size > 0) last = Checked(() => checked(last + (size - 1) * stride), name, "its extent");
        }
        if (offset < 0 || (elements > 0 && last >= count))
            throw Bad($"its view (offset {offset}, size [{string.Join(", ", sizes)}], stride [{string.Join(", ", strides)}]) reaches element {last} of a {count}-element storage");
        int itemSize = dtype.ElementSize();
        if (elements == 0) return Tensor.Empty(sizes, dtype);
        if (IsContiguous(sizes, strides))
            return Tensor.FromBytes(bytes.AsSpan(checked((int)(offset * itemSize)), checked((int)(elements * itemSize))), dtype, sizes);
        return Tensor.FromBytes(Gather(bytes, itemSize, offset, sizes, strides, elements), dtype, sizes);
    }

    (DType, long, byte[]) Storage(object? value, string name)
    {
        InvalidDataException Bad(string why) => new($"{Path}: tensor '{name}': {why}");
        if (value is not PicklePersistent { Id: PickleTuple { Items: var id } } || id.Count < 5 || id[0] is not "storage")
            throw Bad("its storage is not a persistent id ('storage', type, key, location, size)");
        if (id[1] is not PickleGlobal { Module: "torch" } type || !StorageTypes.TryGetValue(type.Name, out var dtype))
            throw Bad($"storage type {PickleReader.Describe(id[1])} is not one Ham reads ({string.Join(", ", StorageTypes.Keys)})");
        if (id[2] is not string key) throw Bad("its storage key is not a string");
        long count = Integer(id[4], "storage size", name);
        if (count < 0) throw Bad($"storage of {count} elements");
        if (records.TryGetValue(key, out var known))
        {
            if (known.DType != dtype || known.Count != count) throw Bad($"storage {key} is named as {known.Count} x {known.DType.Name()} and as {count} x {dtype.Name()}");
            return known;
        }
        long bytes = Checked(() => checked(count * dtype.ElementSize()), name, "its storage size");
        var record = (dtype, count, archive.Read($"data/{key}", bytes));
        records[key] = record;
        return record;
    }

    long Integer(object? value, string what, string name) =>
        value is long v ? v : throw new InvalidDataException($"{Path}: tensor '{name}': its {what} is a {PickleReader.Describe(value)}, not an integer");

    long[] Integers(object? value, string what, string name) => value is PickleTuple { Items: var items }
        ? items.Select(i => Integer(i, what, name)).ToArray()
        : throw new InvalidDataException($"{Path}: tensor '{name}': its {what} is a {PickleReader.Describe(value)}, not a tuple");

    long Checked(Func<long> compute, string name, string what)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{Path}: tensor '{name}': {what} does not fit in 64 bits");
        }
    }

    /// <summary>Row-major strides (dimensions of size 1 may have any stride).</summary>
    static bool IsContiguous(long[] sizes, long[] strides)
    {
        long expected = 1;
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            if (sizes[d] != 1 && strides[d] != expected) return false;
            expected *= sizes[d];
        }
        return true;
    }

    /// <summary>The elements of a strided view, in row-major order (views saved as they were, e.g. a transposed weight).</summary>
    static byte[] Gather(byte[] storage, int itemSize, long offset, long[] sizes, long[] strides, long elements)
    {
        var result = new byte[checked(elements * itemSize)];
        var index = new long[sizes.Length];
        for (long i = 0; i < elements; i++)
        {
            long source = offset;
            for (int d = 0; d < sizes.Length; d++) source += index[d] * strides[d];
            Array.Copy(storage, source * itemSize, result, i * itemSize, itemSize);
            for (int d = sizes.Length - 1; d >= 0 && ++index[d] == sizes[d]; d--) index[d] = 0;
        }
        return result;
    }
}
