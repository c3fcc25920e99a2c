using System.IO.Compression;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Torch;

/// <summary>
/// The torch.save and TorchScript readers on damaged copies of the fixtures' real files: each
/// case may only be a clean error naming the file or exactly the original tensors (the zip's
/// CRC-32s cover every record, so a flip that is not an error cannot have changed a value).
/// </summary>
public class TorchFileFuzzTests
{
    static string Fixture(string file) => SharedData.Path("fixtures", "clip", "vit-tiny", file);

    [Theory]
    [InlineData("openai-state.pt", 11)]
    [InlineData("openai-jit.pt", 12)]
    public void DamagedFilesGiveACleanErrorOrTheRightTensors(string file, int seed)
    {
        byte[] original = File.ReadAllBytes(Fixture(file));
        using var scope = new DisposeScope();
        var (expected, kind) = TorchFiles.Read(Fixture(file));
        int errors = 0, same = 0;
        foreach (var m in Fuzzing.Mutations(original, 300, seed, Structure(original)))
        {
            try
            {
                var (actual, actualKind) = TorchFiles.Read(new MemoryStream(m.Bytes), file);
                Assert.False(m.Truncated, $"{m.Description}: a cut file was read");
                Assert.Equal(kind, actualKind);
                AssertSameTensors(expected, actual, m.Description);
                foreach (var t in actual.Values) t.Dispose();
                same++;
            }
            catch (Exception e) when (Fuzzing.IsCleanError(e, file))
            {
                errors++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{m.Description}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(errors > 100 && same > 5, $"{errors} errors, {same} reads");
    }

    /// <summary>The pickle and the zip's directories, where lengths and offsets live.</summary>
    static (int, int)[] Structure(byte[] file)
    {
        using var zip = new ZipArchive(new MemoryStream(file));
        var pickle = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl"));
        using var stream = pickle.Open();
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        int at = file.AsSpan().IndexOf(bytes.ToArray());
        return [(0, 128), (at - 64, at + (int)bytes.Length), (file.Length - 80 * zip.Entries.Count - 22, file.Length)];
    }

    static void AssertSameTensors(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, string why)
    {
        Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()), $"{why}: other names");
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.True(e.DType == a.DType && e.Shape.SequenceEqual(a.Shape) && e.Bytes.SequenceEqual(a.Bytes), $"{why}: tensor {name} differs");
        }
    }

    /// <summary>The fixture rewritten with one record changed (a valid zip whose record has other bytes than the pickle says).</summary>
    internal static string Rewritten(string file, Func<string, byte[], byte[]> change, string temp)
    {
        using var source = ZipFile.OpenRead(Fixture(file));
        using (var target = ZipFile.Open(temp, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                var bytes = new MemoryStream();
                input.CopyTo(bytes);
                using var output = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                output.Write(change(entry.FullName, bytes.ToArray()));
            }
        }
        return temp;
    }

    public static TheoryData<string, string, int> CutRecords => new()
    {
        // The largest record (the token embedding) cut short: SIGSEGV in libtorch's reader before.
        { "openai-state.pt", "data/59", 1000 },
        // data/0 cut to 10 bytes: libtorch read past it and wrote heap memory into the output.
        { "openai-state.pt", "data/0", 10 },
        // An empty record: a NullReferenceException before.
        { "openai-state.pt", "data/1", 0 },
        // A cut TorchScript record: "Bad address" on the output file before.
        { "openai-jit.pt", "data/12", 100 },
    };

    [Theory]
    [MemberData(nameof(CutRecords))]
    public void ACutRecordIsAnErrorNamingItAndBothSizes(string file, string record, int keep)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"ham-cut-{Guid.NewGuid():N}.pt");
        try
        {
            Rewritten(file, (name, bytes) => name.EndsWith("/" + record) ? bytes[..keep] : bytes, temp);
            var e = Assert.Throws<InvalidDataException>(() => TorchFiles.Read(temp));
            Assert.Contains(temp, e.Message);
            Assert.Contains($"{record} holds {keep} bytes but its tensor storage needs", e.Message);
        }
        finally { File.Delete(temp); }
    }

    /// <summary>A pickle of dicts nested 300,000 deep (the native stack overflowed before) and one of lists.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APickleNestedThreeHundredThousandDeepIsACleanErrorOrSkipped(bool dicts)
    {
        const int depth = 300_000;
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2, (byte)'}']);                    // PROTO 2, the root dict
        void Key() { pickle.WriteByte((byte)'X'); pickle.Write(BitConverter.GetBytes(1)); pickle.WriteByte((byte)'a'); }
        Key();
        // root, 'a', d1, 'a', d2, ... 'a', dN, then SETITEM N times (or root, 'a', L1 ... LN, then APPEND N - 1 times and one SETITEM).
        for (int i = 0; i < depth; i++)
        {
            if (dicts && i > 0) Key();
            pickle.WriteByte(dicts ? (byte)'}' : (byte)']');
        }
        for (int i = 1; i < depth; i++) pickle.WriteByte(dicts ? (byte)'s' : (byte)'a');
        pickle.WriteByte((byte)'s');
        pickle.WriteByte((byte)'.');

        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        using (var record = archive.CreateEntry("deep/data.pkl", CompressionLevel.NoCompression).Open())
            record.Write(pickle.ToArray());
        zip.Position = 0;
        if (dicts)
        {
            var e = Assert.Throws<InvalidDataException>(() => TorchFiles.Read(zip, "deep.pt"));
            Assert.Contains("deep.pt: dicts nested deeper than 100 levels", e.Message);
        }
        else
        {
            var (tensors, _) = TorchFiles.Read(zip, "deep.pt"); // a list is not a tensor: nothing to read
            Assert.Empty(tensors);
        }
    }

    [Fact]
    public void APickledPythonModuleIsRefusedWithAHint()
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        using (var record = archive.CreateEntry("m/data.pkl").Open())
            record.Write([0x80, 2, .. "cclip.model\nCLIP\n)"u8.ToArray(), 0x81, (byte)'}', (byte)'b', (byte)'.']); // GLOBAL, NEWOBJ, BUILD
        zip.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => TorchFiles.Read(zip, "model.pt"));
        Assert.Contains("clip.model.CLIP object", e.Message);
        Assert.Contains("state_dict()", e.Message);
    }
}
