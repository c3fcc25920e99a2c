using System.Text;
using System.Text.Json;

namespace Ham.Torch.Serialization;

/// <summary>
/// Writes a safetensors file tensor by tensor, so a merge of large models never holds the whole
/// output: the layout (names, dtypes, shapes) is given up front to write the header, then each
/// tensor's bytes arrive in that order. Everything goes to a temporary file beside PATH
/// (<see cref="OutputFile"/>), renamed onto PATH only by <see cref="Complete"/>; disposing an
/// incomplete writer deletes it, so PATH is never half-written.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    readonly string path;
    readonly string temp;
    readonly FileStream stream;
    readonly IReadOnlyList<(string Name, DType DType, long[] Shape)> layout;
    int next;
    bool completed;

    public SafetensorsWriter(string path, IReadOnlyList<(string Name, DType DType, long[] Shape)> layout,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        this.path = path;
        this.layout = layout;
        stream = OutputFile.CreateTemporary(path, out temp, 1 << 20);
        try
        {
            WriteHeader(metadata);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    void WriteHeader(IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>();
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dtype, shape) in layout)
            {
                if (name == "__metadata__" || !names.Add(name)) throw new ArgumentException($"{path}: tensor name '{name}' is reserved or repeated");
                long size = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
                w.WriteStartObject(name);
                w.WriteString("dtype", SafetensorsDType.Code(dtype));
                w.WriteStartArray("shape");
                foreach (var d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + size);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += size;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the data is aligned.
        long padded = (json.Length + 7) / 8 * 8;
        stream.Write(BitConverter.GetBytes(padded));
        stream.Write(json.GetBuffer().AsSpan(0, (int)json.Length));
        for (long i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
    }

    /// <summary>The next tensor's bytes; name and size must match the layout.</summary>
    public void Write(string name, ReadOnlySpan<byte> bytes)
    {
        if (completed) throw new InvalidOperationException($"{path}: writer already completed");
        if (next >= layout.Count) throw new InvalidOperationException($"{path}: '{name}' is beyond the {layout.Count} tensors of the layout");
        var (expectedName, dtype, shape) = layout[next];
        if (name != expectedName) throw new InvalidOperationException($"{path}: expected tensor '{expectedName}' next, got '{name}'");
        long size = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
        if (bytes.Length != size) throw new ArgumentException($"{path}: tensor '{name}' needs {size} bytes, got {bytes.Length}");
        stream.Write(bytes);
        next++;
    }

    /// <summary>Writes a tensor (converted to the layout's dtype if needed).</summary>
    public void Write(string name, Tensor tensor)
    {
        var dtype = layout[Math.Min(next, layout.Count - 1)].DType;
        using var scope = new DisposeScope();
        var t = tensor.DType == dtype && tensor.Device == Device.CPU && tensor.IsContiguous ? tensor : tensor.To(Device.CPU, dtype).Contiguous();
        Write(name, t.Bytes);
    }

    /// <summary>Flushes and renames the temp file onto the target path.</summary>
    public void Complete()
    {
        if (next != layout.Count) throw new InvalidOperationException($"{path}: {layout.Count - next} tensors of the layout were not written");
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        completed = true;
        OutputFile.Commit(temp, path);
    }

    public void Dispose()
    {
        stream.Dispose();
        if (!completed && File.Exists(temp)) File.Delete(temp);
    }

    /// <summary>Writes named tensors in the given order, atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var writer = new SafetensorsWriter(path, list.Select(kv => (kv.Key, kv.Value.DType, kv.Value.Shape)).ToList(), metadata);
        foreach (var (name, tensor) in list) writer.Write(name, tensor);
        writer.Complete();
    }
}
