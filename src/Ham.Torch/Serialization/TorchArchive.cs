using System.IO.Compression;

namespace Ham.Torch.Serialization;

/// <summary>
/// The zip container of torch.save (since PyTorch 1.6) and torch.jit.save files: records under
/// one top folder, "ARCHIVE/data.pkl" (the pickle), "ARCHIVE/data/KEY" (the raw bytes of each
/// storage), and for TorchScript "ARCHIVE/code/..." (the classes' Python source) and
/// "ARCHIVE/constants.pkl". Every record's CRC-32 is checked, and every size is compared with
/// what the file holds before a byte is copied.
/// </summary>
public sealed class TorchArchive : IDisposable
{
    /// <summary>The largest record Ham reads: one .NET array.</summary>
    public static long MaxRecordBytes => Array.MaxLength;

    readonly Stream stream;
    readonly ZipArchive zip;
    readonly Dictionary<string, ZipArchiveEntry> entries;

    TorchArchive(string path, Stream stream, ZipArchive zip, string prefix, Dictionary<string, ZipArchiveEntry> entries)
    {
        Path = path;
        this.stream = stream;
        this.zip = zip;
        Prefix = prefix;
        this.entries = entries;
    }

    public string Path { get; }

    /// <summary>The top folder every record lies in ("archive", or the name the file was saved under).</summary>
    public string Prefix { get; }

    /// <summary>Opens a zip whose top folder holds data.pkl; anything else is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static TorchArchive Open(string path)
    {
        InputFile.Require(path, "checkpoint");
        return Open(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path);
    }

    /// <summary>An archive read from <paramref name="stream"/> (which it then owns); <paramref name="path"/> names it in errors.</summary>
    public static TorchArchive Open(Stream stream, string path)
    {
        ZipArchive? zip = null;
        try
        {
            if (IsLegacyTorchSave(stream))
                throw new InvalidDataException($"{path}: a torch.save file from before PyTorch 1.6 (a bare pickle, not a zip archive); load it in PyTorch and save it again, or convert it to safetensors");
            zip = Zip(path, () => new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true));
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in Zip(path, () => zip.Entries))
                if (!entries.TryAdd(entry.FullName, entry))
                    throw new InvalidDataException($"{path}: the zip archive holds two records named {entry.FullName}");
            var pickles = entries.Keys.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException($"{path}: a zip archive but not a PyTorch file ({(pickles.Count == 0 ? "no" : "more than one")} ARCHIVE/data.pkl record)");
            string prefix = pickles[0][..^"/data.pkl".Length];
            if (entries.TryGetValue(prefix + "/byteorder", out var order) && ReadText(path, order) is var byteOrder && byteOrder != "little")
                throw new InvalidDataException($"{path}: tensors are stored {byteOrder}-endian; Ham reads little-endian files");
            return new TorchArchive(path, stream, zip, prefix, entries);
        }
        catch
        {
            zip?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the archive has a record at ARCHIVE/<paramref name="name"/>.</summary>
    public bool Contains(string name) => entries.ContainsKey($"{Prefix}/{name}");

    /// <summary>The records below ARCHIVE/<paramref name="folder"/>/, as names relative to ARCHIVE.</summary>
    public IEnumerable<string> Names(string folder) =>
        entries.Keys.Where(n => n.StartsWith($"{Prefix}/{folder}/", StringComparison.Ordinal)).Select(n => n[(Prefix.Length + 1)..]);

    /// <summary>The bytes of record ARCHIVE/<paramref name="name"/>, which must be <paramref name="expected"/> long when given.</summary>
    public byte[] Read(string name, long? expected = null)
    {
        string full = $"{Prefix}/{name}";
        if (!entries.TryGetValue(full, out var entry)) throw new InvalidDataException($"{Path}: the archive has no record {full}");
        long length = entry.Length;
        if (expected is long want && want != length)
            throw new InvalidDataException($"{Path}: record {full} holds {length} bytes but its tensor storage needs {want} (the file is cut or corrupt)");
        if (length > MaxRecordBytes) throw new InvalidDataException($"{Path}: record {full} is {length} bytes; Ham reads records of at most {MaxRecordBytes} bytes");
        if (entry.CompressedLength > stream.Length) throw new InvalidDataException($"{Path}: record {full} claims {entry.CompressedLength} bytes, more than the {stream.Length}-byte file");
        var bytes = new byte[length];
        Zip(Path, () =>
        {
            using var record = entry.Open();
            int done = 0;
            while (done < bytes.Length)
            {
                int n = record.Read(bytes, done, bytes.Length - done);
                if (n == 0) throw new InvalidDataException($"{Path}: record {full} ends after {done} of its {length} bytes (the file is cut)");
                done += n;
            }
            if (record.Read(new byte[1], 0, 1) != 0) throw new InvalidDataException($"{Path}: record {full} holds more than its {length} bytes");
            return 0;
        });
        // .NET's zip reader does not check a stored record's CRC-32; a flipped byte would pass as data.
        if (System.IO.Hashing.Crc32.HashToUInt32(bytes) != entry.Crc32)
            throw new InvalidDataException($"{Path}: record {full} fails its CRC-32 check (the file is corrupt)");
        return bytes;
    }

    static string ReadText(string path, ZipArchiveEntry entry) => Zip(path, () =>
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd().Trim();
    });

    /// <summary>
    /// Whether the stream starts as torch.save's legacy format does: a pickle (protocol 2 opcode
    /// 0x80 0x02) of the magic number 0x1950a86a20f9469cfc6c as a LONG1 (0x8a 0x0a). Leaves the stream where it was.
    /// </summary>
    static bool IsLegacyTorchSave(Stream stream)
    {
        if (!stream.CanSeek) return false;
        long start = stream.Position;
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = start;
        return read == 4 && head[0] == 0x80 && head[1] == 0x02 && head[2] == 0x8a && head[3] == 0x0a;
    }

    /// <summary>
    /// The zip reader's failures on a malformed archive (a missing end of central directory, a bad
    /// local header, a CRC mismatch, an unknown compression method) as one error naming the file.
    /// </summary>
    static T Zip<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidDataException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: not a readable zip archive ({e.Message})", e);
        }
    }

    public void Dispose()
    {
        zip.Dispose();
        stream.Dispose();
    }
}
