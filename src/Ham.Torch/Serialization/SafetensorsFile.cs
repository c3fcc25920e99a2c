using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;
using System.Text;
using System.Text.Json;

namespace Ham.Torch.Serialization;

/// <summary>
/// A safetensors file opened by memory map: the header is parsed and validated at once, the
/// tensors are read on demand, as raw spans over the map (no copy) or as tensors (a copy).
/// Layout: 8-byte little-endian header size N, N bytes of JSON header
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}, then the data.
/// Validation follows the reference reader (huggingface/safetensors): a header of at most
/// 100 MB inside the file, valid UTF-8 JSON, known dtypes, byte sizes that match shape x dtype,
/// offsets that start at 0 and follow each other without gap or overlap, and no trailing bytes.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    public const long MaxHeaderSize = 100_000_000;

    readonly MemoryMappedFile? map;
    readonly MemoryMappedViewAccessor? view;
    readonly byte* basePointer;
    readonly long dataStart;
    readonly Dictionary<string, SafetensorsEntry> byName;

    SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer, long dataStart,
        List<SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        this.map = map;
        this.view = view;
        this.basePointer = basePointer;
        this.dataStart = dataStart;
        Entries = entries;
        byName = entries.ToDictionary(e => e.Name);
        Metadata = metadata;
    }

    public string Path { get; }

    /// <summary>The tensors in file order (by offset).</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool Contains(string name) => byName.ContainsKey(name);

    public SafetensorsEntry Entry(string name) => byName.TryGetValue(name, out var e) ? e
        : throw new SafetensorsException(SafetensorsError.MissingTensor, $"{Path}: no tensor named '{name}'");

    /// <summary>
    /// Opens and validates <paramref name="path"/>, following symbolic links: the length is the
    /// opened file's own (fstat), never a link's, and the map is made from that same open file.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        InputFile.Require(path, "safetensors");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            long length = stream.Length;
            if (length < 8)
                throw new SafetensorsException(SafetensorsError.TooShort, $"{path}: {length} bytes is too short for a safetensors file (needs an 8-byte header size)");
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            var (entries, metadata, dataStart) = ParseHeader(path, pointer, length);
            return new SafetensorsFile(path, map, view, pointer, dataStart, entries, metadata);
        }
        catch
        {
            if (view != null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    static (List<SafetensorsEntry>, Dictionary<string, string>, long) ParseHeader(string path, byte* file, long length)
    {
        long headerSize = *(long*)file; // little-endian on every platform .NET runs this on
        if (headerSize < 0 || headerSize > MaxHeaderSize)
            throw new SafetensorsException(SafetensorsError.HeaderTooLarge, $"{path}: header size {headerSize} is above the {MaxHeaderSize}-byte limit");
        if (8 + headerSize > length)
            throw new SafetensorsException(SafetensorsError.HeaderOutOfFile, $"{path}: header of {headerSize} bytes runs past the end of the {length}-byte file");
        var headerBytes = new ReadOnlySpan<byte>(file + 8, (int)headerSize);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw new SafetensorsException(SafetensorsError.InvalidHeaderText, $"{path}: the header is not valid UTF-8");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new SafetensorsException(SafetensorsError.InvalidHeaderJson, $"{path}: the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsException(SafetensorsError.InvalidHeaderJson, $"{path}: the header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafetensorsException(SafetensorsError.InvalidHeaderJson, $"{path}: the header names '{property.Name}' twice");
                if (property.Name == "__metadata__") ReadMetadata(path, property.Value, metadata);
                else entries.Add(ReadEntry(path, property.Name, property.Value));
            }
            long dataStart = 8 + headerSize;
            CheckOffsets(path, entries, length - dataStart);
            return (entries, metadata, dataStart);
        }
    }

    static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsException(SafetensorsError.InvalidEntry, $"{path}: __metadata__ must be an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsException(SafetensorsError.InvalidEntry, $"{path}: __metadata__ value '{m.Name}' is not a string");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    static SafetensorsEntry ReadEntry(string path, string name, JsonElement value)
    {
        SafetensorsException Invalid(string why) => new(SafetensorsError.InvalidEntry, $"{path}: tensor '{name}': {why}");
        if (value.ValueKind != JsonValueKind.Object) throw Invalid("entry is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String) throw Invalid("no dtype string");
        if (!value.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array) throw Invalid("no shape array");
        if (!value.TryGetProperty("data_offsets", out var offsetsValue) || offsetsValue.ValueKind != JsonValueKind.Array || offsetsValue.GetArrayLength() != 2)
            throw Invalid("data_offsets must be [begin, end]");
        string code = dtypeValue.GetString()!;
        if (!SafetensorsDType.TryParse(code, out var dtype))
            throw new SafetensorsException(SafetensorsError.UnknownDType, $"{path}: tensor '{name}' has dtype '{code}', which Ham does not read (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
        var shape = new List<long>();
        foreach (var d in shapeValue.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long size) || size < 0) throw Invalid("shape entries must be non-negative integers");
            shape.Add(size);
        }
        var offsets = offsetsValue.EnumerateArray().Select(o =>
            o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long v) && v >= 0 ? v : throw Invalid("offsets must be non-negative integers")).ToArray();
        if (offsets[1] < offsets[0]) throw Invalid($"data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        long expected = ByteSize(shape, dtype) ?? throw new SafetensorsException(SafetensorsError.SizeMismatch,
            $"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}] x {code}, more than 2^63 bytes");
        if (offsets[1] - offsets[0] != expected)
            throw new SafetensorsException(SafetensorsError.SizeMismatch,
                $"{path}: tensor '{name}' holds {offsets[1] - offsets[0]} bytes but shape [{string.Join(", ", shape)}] x {code} needs {expected}");
        return new SafetensorsEntry(name, dtype, shape.ToArray(), offsets[0], offsets[1]);
    }

    /// <summary>shape x element size in bytes, or null when it does not fit in 64 bits.</summary>
    static long? ByteSize(List<long> shape, DType dtype)
    {
        if (shape.Contains(0)) return 0;
        long bytes = dtype.ElementSize();
        foreach (long d in shape)
        {
            if (bytes > long.MaxValue / d) return null;
            bytes *= d;
        }
        return bytes;
    }

    static void CheckOffsets(string path, List<SafetensorsEntry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        foreach (var e in entries)
        {
            if (e.Begin != position)
                throw new SafetensorsException(SafetensorsError.NonContiguousOffsets,
                    $"{path}: tensor '{e.Name}' starts at byte {e.Begin} of the data but the previous tensor ends at {position} (offsets must follow each other without gap or overlap)");
            position = e.End;
        }
        if (position > dataLength)
            throw new SafetensorsException(SafetensorsError.DataOutOfFile,
                $"{path}: the tensors need {position} bytes of data but the file has {dataLength} after the header{(entries.Count > 0 ? $" (last: '{entries[^1].Name}')" : "")}");
        if (position < dataLength)
            throw new SafetensorsException(SafetensorsError.TrailingBytes,
                $"{path}: {dataLength - position} bytes follow the last tensor; the file is not what its header describes");
    }

    /// <summary>The raw little-endian bytes of one tensor, straight from the map (valid while the file is open).</summary>
    public ReadOnlySpan<byte> Bytes(SafetensorsEntry entry)
    {
        ObjectDisposedException.ThrowIf(view == null || disposed, this);
        if (entry.ByteCount > int.MaxValue)
            throw new NotSupportedException($"{Path}: tensor '{entry.Name}' is {entry.ByteCount} bytes; spans stop at 2 GiB (use Read)");
        return new ReadOnlySpan<byte>(basePointer + dataStart + entry.Begin, (int)entry.ByteCount);
    }

    public ReadOnlySpan<byte> Bytes(string name) => Bytes(Entry(name));

    SafeFileHandle? reader;
    object? readerLock;

    /// <summary>
    /// Copies bytes [offset, offset + destination.Length) of one tensor into
    /// <paramref name="destination"/> by positioned reads (pread, from the page cache), for passes
    /// over whole models: unlike reading through the map, this maps no pages into the process, so
    /// none have to be faulted in and dropped again on every pass. Safe from several threads.
    /// </summary>
    public void CopyBytes(SafetensorsEntry entry, long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (offset < 0 || offset + destination.Length > entry.ByteCount)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{Path}: bytes [{offset}, {offset + destination.Length}) are outside tensor '{entry.Name}' ({entry.ByteCount} bytes)");
        var handle = LazyInitializer.EnsureInitialized(ref reader, ref readerLock,
            () => File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess));
        long position = dataStart + entry.Begin + offset;
        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(handle, destination, position);
            if (read == 0) throw new EndOfStreamException($"{Path}: the file ended inside tensor '{entry.Name}' (was it truncated?)");
            destination = destination[read..];
            position += read;
        }
    }

    /// <summary>The values of one tensor as elements of T (which must match its dtype's size).</summary>
    public ReadOnlySpan<T> Values<T>(SafetensorsEntry entry) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Bytes(entry));

    /// <summary>
    /// A new CPU tensor with a copy of one tensor's values. The mapped pages it was copied from
    /// are then dropped from this process (they stay in the page cache), so reading a large file
    /// tensor by tensor does not keep the whole file resident.
    /// </summary>
    public Tensor Read(string name)
    {
        var e = Entry(name);
        ObjectDisposedException.ThrowIf(view == null || disposed, this);
        Tensor t;
        if (e.ByteCount <= int.MaxValue) t = Tensor.FromBytes(Bytes(e), e.DType, e.Shape);
        else
        {
            t = Tensor.Empty(e.Shape, e.DType);
            t.CopyFrom(basePointer + dataStart + e.Begin, e.ByteCount);
        }
        ReleasePages(basePointer + dataStart + e.Begin, e.ByteCount);
        return t;
    }

    /// <summary>madvise(MADV_DONTNEED) on the whole pages inside [start, start + count).</summary>
    static void ReleasePages(byte* start, long count)
    {
        long page = Environment.SystemPageSize;
        long first = ((long)start + page - 1) / page * page;
        long last = ((long)start + count) / page * page;
        if (last > first && OperatingSystem.IsLinux()) Madvise((void*)first, (nuint)(last - first), MadviseDontNeed);
    }

    const int MadviseDontNeed = 4;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "madvise")]
    static extern int Madvise(void* address, nuint length, int advice);

    /// <summary>Every tensor, copied, in file order.</summary>
    public Dictionary<string, Tensor> ReadAll() => Entries.ToDictionary(e => e.Name, e => Read(e.Name));

    /// <summary>Reads a whole file into new tensors.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var file = Open(path);
        return file.ReadAll();
    }

    bool disposed;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        view?.SafeMemoryMappedViewHandle.ReleasePointer();
        view?.Dispose();
        map?.Dispose();
        reader?.Dispose();
    }
}
