using System.Text;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Torch;

public class SafetensorsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-st").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int16)]
    [InlineData(DType.Int8)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Bool)]
    public void RoundTripsEveryDtypeBitForBit(DType dtype)
    {
        using var scope = new DisposeScope();
        // A matrix, a vector and a scalar; the comparison is of raw bytes.
        var a = Tensor.FromArray(new double[] { 0, 1, 2, 3.5, 100, 0.5 }, 2, 3).To(dtype);
        var b = Tensor.Ones([4], dtype);
        var scalar = Tensor.Scalar(1, dtype);
        string path = PathOf($"all-{dtype}.safetensors");
        SafetensorsWriter.Save(path, new Dictionary<string, Tensor> { ["a"] = a, ["b.weight"] = b, ["s"] = scalar },
            new Dictionary<string, string> { ["note"] = "round trip" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("round trip", file.Metadata["note"]);
        foreach (var (name, expected) in new[] { ("a", a), ("b.weight", b), ("s", scalar) })
        {
            var read = file.Read(name);
            Assert.Equal(dtype, read.DType);
            Assert.Equal(expected.Shape, read.Shape);
            Assert.Equal(expected.Contiguous().Bytes.ToArray(), read.Bytes.ToArray());
        }
    }

    /// <summary>A file with header <paramref name="header"/> and <paramref name="dataBytes"/> bytes of data.</summary>
    string Write(string name, string header, int dataBytes, long? declaredHeaderSize = null)
    {
        byte[] text = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(PathOf(name));
        stream.Write(BitConverter.GetBytes(declaredHeaderSize ?? text.Length));
        stream.Write(text);
        stream.Write(new byte[dataBytes]);
        return PathOf(name);
    }

    public static TheoryData<SafetensorsError, string, int, long?> Malformed => new()
    {
        { SafetensorsError.HeaderTooLarge, "{}", 0, 200_000_000L },
        { SafetensorsError.HeaderOutOfFile, "{}", 0, 4096L },
        { SafetensorsError.InvalidHeaderJson, "{\"a\": [1, 2", 0, null },
        { SafetensorsError.InvalidHeaderJson, "[1, 2]", 0, null },
        { SafetensorsError.InvalidEntry, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", 8, null },
        { SafetensorsError.UnknownDType, "{\"a\": {\"dtype\": \"F8_E4M3X\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 2, null },
        { SafetensorsError.SizeMismatch, "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8, null },
        { SafetensorsError.NonContiguousOffsets, "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, null },
        { SafetensorsError.DataOutOfFile, "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8, null },
        { SafetensorsError.TrailingBytes, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 12, null },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void EachMalformedCaseHasItsOwnError(SafetensorsError error, string header, int dataBytes, long? declaredHeaderSize)
    {
        string path = Write($"bad-{error}.safetensors", header, dataBytes, declaredHeaderSize);
        var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(path));
        Assert.Equal(error, e.Error);
        Assert.Contains(path, e.Message);
    }

    /// <summary>Positioned reads of any byte range of a tensor give the mapped bytes; ranges outside it are refused.</summary>
    [Fact]
    public void CopyBytesReadsAnyRangeOfATensor()
    {
        using var scope = new DisposeScope();
        var values = Enumerable.Range(0, 1000).Select(i => (float)Math.Sin(i)).ToArray();
        string path = PathOf("ranges.safetensors");
        SafetensorsWriter.Save(path, new Dictionary<string, Tensor> { ["head"] = Tensor.Ones([3]), ["x"] = Tensor.FromArray(values, 1000) });
        using var file = SafetensorsFile.Open(path);
        var entry = file.Entry("x");
        foreach (var (offset, length) in new[] { (0, 4000), (4, 8), (1236, 2000), (3999, 1) })
        {
            var copy = new byte[length];
            file.CopyBytes(entry, offset, copy);
            Assert.Equal(file.Bytes(entry).Slice(offset, length).ToArray(), copy);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyBytes(entry, 3999, new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyBytes(entry, -1, new byte[1]));
    }

    [Fact]
    public void TooShortInvalidUtf8AndMissingTensorAreNamed()
    {
        File.WriteAllBytes(PathOf("short.safetensors"), [1, 2, 3]);
        Assert.Equal(SafetensorsError.TooShort, Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(PathOf("short.safetensors"))).Error);

        using (var stream = File.Create(PathOf("utf8.safetensors")))
        {
            stream.Write(BitConverter.GetBytes(2L));
            stream.Write([0xC3, 0x28]);
        }
        Assert.Equal(SafetensorsError.InvalidHeaderText, Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(PathOf("utf8.safetensors"))).Error);

        string good = Write("good.safetensors", "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8);
        using var file = SafetensorsFile.Open(good);
        var missing = Assert.Throws<SafetensorsException>(() => file.Read("b"));
        Assert.Equal(SafetensorsError.MissingTensor, missing.Error);
        Assert.Contains("'b'", missing.Message);
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporary()
    {
        using var scope = new DisposeScope();
        string path = PathOf("model.safetensors");
        SafetensorsWriter.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([3]) });
        byte[] before = File.ReadAllBytes(path);
        using (var writer = new SafetensorsWriter(path, [("w", DType.Float32, [3]), ("v", DType.Float32, [2])]))
        {
            writer.Write("w", Tensor.Zeros([3]));
            // "v" is never written: disposing without Complete() abandons the file.
        }
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }
}
