using System.Buffers.Binary;
using System.Text;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Torch;

/// <summary>
/// The safetensors reader on damaged copies of a real file, on shapes whose size overflows, and
/// on files reached through symbolic links (the Hugging Face cache's layout).
/// </summary>
public class SafetensorsFuzzTests
{
    static string Fixture => SharedData.Path("fixtures", "clip", "vit-tiny", "expected.safetensors");

    /// <summary>
    /// Safetensors has no checksum, so a flip may change a value or even a name; what the reader
    /// may never do is read a byte that is not where the header says. So: a cut file is always an
    /// error; a file that opens gives, for every tensor, exactly the file's bytes at its offsets;
    /// and a flip in the data section leaves every entry as it was.
    /// </summary>
    [Fact]
    public void DamagedFilesGiveACleanErrorOrExactlyWhatTheHeaderDescribes()
    {
        byte[] original = File.ReadAllBytes(Fixture);
        long headerEnd = 8 + BinaryPrimitives.ReadInt64LittleEndian(original);
        List<SafetensorsEntry> entries;
        using (var file = SafetensorsFile.Open(Fixture)) entries = [.. file.Entries];
        string temp = Path.Combine(Path.GetTempPath(), $"ham-fuzz-{Guid.NewGuid():N}.safetensors");
        int errors = 0, reads = 0;
        try
        {
            foreach (var m in Fuzzing.Mutations(original, 800, 21, (0, (int)headerEnd)))
            {
                File.WriteAllBytes(temp, m.Bytes);
                try
                {
                    using var scope = new DisposeScope();
                    using var file = SafetensorsFile.Open(temp);
                    Assert.False(m.Truncated, $"{m.Description}: a cut file was opened");
                    long dataStart = 8 + BinaryPrimitives.ReadInt64LittleEndian(m.Bytes);
                    foreach (var e in file.Entries)
                        Assert.True(file.Read(e.Name).Bytes.SequenceEqual(m.Bytes.AsSpan((int)(dataStart + e.Begin), (int)e.ByteCount)), $"{m.Description}: {e.Name}");
                    if (m.Positions.All(p => p >= headerEnd))
                        Assert.True(entries.SequenceEqual(file.Entries, EntryComparer.Instance), $"{m.Description}: a flip in the data changed the header");
                    reads++;
                }
                catch (Exception e) when (Fuzzing.IsCleanError(e, temp))
                {
                    errors++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{m.Description}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        finally { File.Delete(temp); }
        Assert.True(errors > 200 && reads > 200, $"{errors} errors, {reads} reads");
    }

    sealed class EntryComparer : IEqualityComparer<SafetensorsEntry>
    {
        public static EntryComparer Instance { get; } = new();
        public bool Equals(SafetensorsEntry? a, SafetensorsEntry? b) =>
            a!.Name == b!.Name && a.DType == b.DType && a.Shape.SequenceEqual(b.Shape) && a.Begin == b.Begin && a.End == b.End;
        public int GetHashCode(SafetensorsEntry e) => e.Name.GetHashCode();
    }

    static byte[] WithHeader(string json)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((long)header.Length), .. header];
    }

    [Theory]
    [InlineData("[1099511627776, 1099511627776]")] // [2^40, 2^40]: an OverflowException before
    [InlineData("[4611686018427387904, 4]")]
    [InlineData("[9223372036854775807, 9223372036854775807]")]
    public void AShapeWhoseSizeOverflowsSixtyFourBitsIsAnErrorNamingTheTensor(string shape)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"ham-huge-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(temp, WithHeader($"{{\"w\": {{\"dtype\": \"F32\", \"shape\": {shape}, \"data_offsets\": [0, 0]}}}}"));
            var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(temp));
            Assert.Contains($"{temp}: tensor 'w' has shape", e.Message);
            Assert.Contains("more than 2^63 bytes", e.Message);
        }
        finally { File.Delete(temp); }
    }

    [Fact]
    public void AZeroSizedDimensionMakesAnEmptyTensorWhateverTheOthers()
    {
        string temp = Path.Combine(Path.GetTempPath(), $"ham-empty-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(temp, WithHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1099511627776, 1099511627776, 0], \"data_offsets\": [0, 0]}}"));
            using var file = SafetensorsFile.Open(temp);
            Assert.Equal(0, file.Entry("w").ByteCount);
        }
        finally { File.Delete(temp); }
    }

    /// <summary>
    /// snapshots/REV/model.safetensors -> ../../blobs/HASH, as the Hugging Face cache keeps files:
    /// it read as a 16-byte file before (the link's own length).
    /// </summary>
    [Fact]
    public void AFileReachedThroughRelativeLinksReadsAsItsTarget()
    {
        using var tree = new Data.TempTree();
        string blob = tree.File("blobs/0123abcd", File.ReadAllBytes(Fixture));
        Directory.CreateDirectory(tree.Path("snapshots/rev"));
        string link = tree.Path("snapshots/rev/model.safetensors");
        File.CreateSymbolicLink(link, "../../blobs/0123abcd");
        File.CreateSymbolicLink(tree.Path("second.safetensors"), link); // a link to a link
        using var scope = new DisposeScope();
        var expected = SafetensorsFile.Load(blob);
        foreach (string path in new[] { link, tree.Path("second.safetensors") })
        {
            var actual = SafetensorsFile.Load(path);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, t) in expected) Assert.True(t.Bytes.SequenceEqual(actual[name].Bytes), name);
        }
    }

    [Fact]
    public void ALoopOfLinksAndADanglingLinkAreNamed()
    {
        using var tree = new Data.TempTree();
        File.CreateSymbolicLink(tree.Path("a.safetensors"), "b.safetensors");
        File.CreateSymbolicLink(tree.Path("b.safetensors"), "a.safetensors");
        var loop = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(tree.Path("a.safetensors")));
        Assert.Contains("a loop of symbolic links", loop.Message);
        Assert.Contains(tree.Path("b.safetensors"), loop.Message);

        File.CreateSymbolicLink(tree.Path("dangling.safetensors"), "gone.safetensors");
        var dangling = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(tree.Path("dangling.safetensors")));
        Assert.Contains($"a symbolic link to {tree.Path("gone.safetensors")}, which does not exist", dangling.Message);

        var directory = Assert.Throws<IOException>(() => SafetensorsFile.Open(tree.Root));
        Assert.Contains("a directory, where a regular file (safetensors) was expected", directory.Message);
    }
}
