using Ham.Merging;
using Ham.Tests.Cli;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Merging;

/// <summary>`ham merge` and the streaming file merge: same result as in memory, metadata, and clear errors.</summary>
[Collection(nameof(ConsoleCapture))]
public class MergeFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-merge").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Writes base + 3 models of a few random tensors (one float16, one int64); returns their paths.</summary>
    (string Base, string[] Models) WriteModels()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(21);
        Dictionary<string, Tensor> Random(bool isBase) => new()
        {
            ["visual.proj"] = Ham.Torch.Random.Normal([8, 6], generator),
            ["visual.ln.weight"] = Ham.Torch.Random.Normal([6], generator).To(DType.Float16),
            ["visual.blocks.0.bias"] = Ham.Torch.Random.Normal([5], generator),
            ["step"] = Tensor.FromArray(new long[] { isBase ? 1 : 2 }, 1),
        };
        SafetensorsWriter.Save(PathOf("base.safetensors"), Random(true));
        var models = Enumerable.Range(0, 3).Select(i => PathOf($"m{i}.safetensors")).ToArray();
        foreach (string path in models) SafetensorsWriter.Save(path, Random(false));
        return (PathOf("base.safetensors"), models);
    }

    [Theory]
    [InlineData("rhm")]
    [InlineData("ties")]
    [InlineData("dare-ties")]
    [InlineData("score")]
    public void StreamingFilesEqualTheInMemoryMerge(string name)
    {
        using var scope = new DisposeScope();
        var (basePath, models) = WriteModels();
        var options = new MergeOptions().With("seed", 3).DeclaredBy(name);
        ModelMerger.Merge(MergeMethod.Create(name, options), basePath, models, PathOf("out.safetensors"));
        var inMemory = ModelMerger.Merge(MergeMethod.Create(name, options), SafetensorsFile.Load(basePath),
            models.Select(m => (IReadOnlyDictionary<string, Tensor>)SafetensorsFile.Load(m)).ToList());
        using var file = SafetensorsFile.Open(PathOf("out.safetensors"));
        Assert.Equal(inMemory.Keys.Order(), file.Entries.Select(e => e.Name).Order());
        foreach (var (key, expected) in inMemory)
        {
            var actual = file.Read(key);
            Assert.Equal(expected.DType, actual.DType);
            Assert.True(expected.Contiguous().Bytes.SequenceEqual(actual.Bytes), key);
        }
        Assert.Equal(DType.Float16, file.Entry("visual.ln.weight").DType);
        Assert.Equal(name, file.Metadata["ham.merge.method"]);
        Assert.Equal(string.Join("\n", models), file.Metadata["ham.merge.models"]);
    }

    [Fact]
    public void CommandFlagsAndYamlConfigGiveTheSameFile()
    {
        var (basePath, models) = WriteModels();
        var (code, output) = ConsoleCapture.Run(["merge", "--method", "ties", "--base", basePath, "--models", .. models,
            "--out", PathOf("flags.safetensors"), "--density", "0.3", "--lambda", "0.8"]);
        Assert.True(code == 0, output);
        File.WriteAllText(PathOf("merge.yaml"), $"""
            # the same merge as the flags
            method: ties
            base: base.safetensors
            models:
              - {Path.GetFileName(models[0])}
              - {Path.GetFileName(models[1])}
              - {models[2]}
            out: yaml.safetensors
            density: 0.3
            lambda: 0.8
            """);
        (code, output) = ConsoleCapture.Run("merge", "--config", PathOf("merge.yaml"));
        Assert.True(code == 0, output);
        Assert.Equal(File.ReadAllBytes(PathOf("flags.safetensors")), File.ReadAllBytes(PathOf("yaml.safetensors")));
        using var file = SafetensorsFile.Open(PathOf("yaml.safetensors"));
        Assert.Equal("0.3", file.Metadata["ham.merge.density"]);
        Assert.Equal("0.8", file.Metadata["ham.merge.lambda"]);
    }

    [Fact]
    public void MismatchedNamesAndShapesAreNamedAndNothingIsWritten()
    {
        using var scope = new DisposeScope();
        var (basePath, models) = WriteModels();
        var extra = SafetensorsFile.Load(models[0]);
        extra["visual.extra"] = Tensor.Ones([2]);
        SafetensorsWriter.Save(PathOf("extra.safetensors"), extra);
        var reshaped = SafetensorsFile.Load(models[1]);
        reshaped["visual.proj"] = Tensor.Ones([6, 8]);
        SafetensorsWriter.Save(PathOf("reshaped.safetensors"), reshaped);
        var missing = SafetensorsFile.Load(models[2]);
        missing.Remove("visual.blocks.0.bias");
        SafetensorsWriter.Save(PathOf("missing.safetensors"), missing);

        var method = MergeMethod.Create("average", new MergeOptions());
        string output = PathOf("never.safetensors");
        Assert.Contains("'visual.extra'", Assert.Throws<InvalidDataException>(() => ModelMerger.Merge(method, basePath, [models[0], PathOf("extra.safetensors")], output)).Message);
        Assert.Contains("'visual.proj' is [6, 8]", Assert.Throws<InvalidDataException>(() => ModelMerger.Merge(method, basePath, [PathOf("reshaped.safetensors")], output)).Message);
        var absent = Assert.Throws<InvalidDataException>(() => ModelMerger.Merge(method, basePath, [models[0], PathOf("missing.safetensors")], output));
        Assert.Contains("'visual.blocks.0.bias'", absent.Message);
        Assert.Contains("--allow-missing", absent.Message);
        Assert.False(File.Exists(output));

        // --allow-missing: the absent tensor takes the base's values.
        ModelMerger.Merge(method, basePath, [models[0], PathOf("missing.safetensors")], output, allowMissing: true);
        using var merged = SafetensorsFile.Open(output);
        using var baseFile = SafetensorsFile.Open(basePath);
        Assert.True(merged.Bytes("visual.blocks.0.bias").SequenceEqual(baseFile.Bytes("visual.blocks.0.bias")));
    }

    /// <summary>Fails on its second tensor: by throwing, or by returning a tensor of the wrong size (the writer thread fails).</summary>
    sealed class FailingMethod(bool inWriter) : MergeMethod
    {
        int _merged;

        public override string Name => "failing";

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

        public override Tensor Merge(MergeInputs inputs, string name)
        {
            if (++_merged < 2) return inputs.ReadModel(0, name);
            return inWriter ? Tensor.Ones([1]) : throw new InvalidOperationException("merge failed on purpose");
        }
    }

    /// <summary>An error in the merge or in the writer that runs behind it is the error raised, and nothing is left on disk.</summary>
    [Fact]
    public void AFailureMidMergeIsRaisedAsItIsAndLeavesNoFile()
    {
        var (basePath, models) = WriteModels();
        string output = PathOf("failed.safetensors");
        Assert.Equal("merge failed on purpose",
            Assert.Throws<InvalidOperationException>(() => ModelMerger.Merge(new FailingMethod(inWriter: false), basePath, models, output)).Message);
        Assert.Contains("needs", Assert.Throws<ArgumentException>(() => ModelMerger.Merge(new FailingMethod(inWriter: true), basePath, models, output)).Message);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public void BadOptionsAndFilesAreOneLineErrors()
    {
        var (basePath, models) = WriteModels();
        File.WriteAllText(PathOf("not.safetensors"), "hello");
        var cases = new (string[] Args, string Message)[]
        {
            (["merge", "--method", "nope", "--base", basePath, "--models", models[0], "--out", PathOf("o.safetensors")], "unknown merge method 'nope'"),
            (["merge", "--method", "ties", "--models", models[0], "--out", PathOf("o.safetensors")], "needs a base model"),
            (["merge", "--method", "ties", "--base", basePath, "--models", models[0], "--out", PathOf("o.safetensors"), "--density", "2"], "--density must be in [0, 1]"),
            (["merge", "--method", "average", "--models", PathOf("not.safetensors"), "--out", PathOf("o.safetensors")], PathOf("not.safetensors")),
        };
        foreach (var (args, message) in cases)
        {
            var (code, output) = ConsoleCapture.Run(args);
            Assert.Equal(1, code);
            Assert.StartsWith("error: ", output);
            Assert.Contains(message, output);
        }
    }
}
