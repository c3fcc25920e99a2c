using System.Text.Json;
using Ham.Merging;
using Ham.Merging.Checkpoints;
using Ham.Tests.Cli;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Merging;

/// <summary>
/// Sharded checkpoints: a model cut into Hugging Face shards merges to the bytes of the whole
/// file for every registered method (global thresholds span the shards), sharded and cast
/// outputs read back as written, and a broken index is an error that names what is wrong.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class ShardedCheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-shards").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A few random tensors (float32 matrices, a float16 vector, batch-norm statistics, an int64 counter).</summary>
    static Dictionary<string, Tensor> RandomState(Generator generator, bool isBase) => new()
    {
        ["visual.conv.weight"] = Ham.Torch.Random.Normal([4, 3, 2, 2], generator),
        ["visual.proj"] = Ham.Torch.Random.Normal([8, 6], generator),
        ["visual.ln.weight"] = Ham.Torch.Random.Normal([6], generator).To(DType.Float16),
        ["visual.bn.running_mean"] = Ham.Torch.Random.Normal([5], generator),
        ["visual.bn.running_var"] = Ham.Torch.Random.Uniform([5], generator) + 0.5,
        ["visual.bn.num_batches_tracked"] = Tensor.FromArray(new long[] { isBase ? 0 : 7 }),
        ["visual.blocks.0.bias"] = Ham.Torch.Random.Normal([10], generator),
    };

    /// <summary>Writes <paramref name="state"/> as one file and as a folder of shards (consecutive tensors, 3 shards) with an index.</summary>
    static void WriteBoth(Dictionary<string, Tensor> state, string file, string folder)
    {
        SafetensorsWriter.Save(file, state);
        Directory.CreateDirectory(folder);
        var names = state.Keys.ToList();
        var weightMap = new Dictionary<string, string>();
        for (int s = 0; s < 3; s++)
        {
            string shard = $"model-{s + 1:D5}-of-00003.safetensors";
            var part = names.Skip(s * 3).Take(s < 2 ? 3 : names.Count).ToList();
            SafetensorsWriter.Save(Path.Combine(folder, shard), part.Select(n => KeyValuePair.Create(n, state[n])));
            foreach (string n in part) weightMap[n] = shard;
        }
        WriteIndex(folder, weightMap);
    }

    static void WriteIndex(string folder, Dictionary<string, string> weightMap) =>
        File.WriteAllText(Path.Combine(folder, CheckpointFiles.IndexName), JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = weightMap }));

    /// <summary>Base + 3 models, each as a file (NAME.safetensors) and a sharded folder (NAME/); the base folder has a config.json.</summary>
    (string[] Files, string[] Folders) WriteModels()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(7);
        string[] names = ["base", "m0", "m1", "m2"];
        foreach (string name in names) WriteBoth(RandomState(generator, name == "base"), PathOf(name + ".safetensors"), PathOf(name));
        File.WriteAllText(Path.Combine(PathOf("base"), "config.json"), "{\"model_type\": \"clip\"}");
        return (names.Select(n => PathOf(n + ".safetensors")).ToArray(), names.Select(PathOf).ToArray());
    }

    /// <summary>Same tensors in the same order with the same bytes and header offsets (the metadata names the inputs, so it differs).</summary>
    static void AssertSameTensors(string expectedFile, StateSource actual, string what)
    {
        using var expected = SafetensorsFile.Open(expectedFile);
        Assert.Equal(expected.Entries.Select(e => e.Name), actual.Names);
        foreach (var entry in expected.Entries)
        {
            using var scope = new DisposeScope();
            var tensor = actual.Read(entry.Name);
            Assert.Equal(entry.DType, tensor.DType);
            Assert.True(expected.Bytes(entry).SequenceEqual(tensor.Contiguous().Bytes), $"{what}: '{entry.Name}' differs");
        }
    }

    /// <summary>Each tensor's name, dtype, shape and data offsets.</summary>
    static string[] Layout(SafetensorsFile file) =>
        file.Entries.Select(e => $"{e.Name} {e.DType} [{string.Join(",", e.Shape)}] {e.Begin}-{e.End}").ToArray();

    [Fact]
    public void EveryMethodMergesShardedInputsToTheBytesOfTheWholeFiles()
    {
        var (files, folders) = WriteModels();
        foreach (string name in MergeMethod.Names)
        {
            var options = new MergeOptions().With("seed", 3).With("density", 0.4).With("trim", 0.3).DeclaredBy(name);
            int count = Math.Clamp(3, MergeMethod.Create(name, options).ModelCount.Min, MergeMethod.Create(name, options).ModelCount.Max);
            string whole = PathOf($"{name}-whole.safetensors"), sharded = PathOf($"{name}-sharded.safetensors");
            ModelMerger.Merge(MergeMethod.Create(name, options), files[0], files[1..(1 + count)], whole);
            ModelMerger.Merge(MergeMethod.Create(name, options), folders[0], folders[1..(1 + count)], sharded);
            using var a = SafetensorsFile.Open(whole);
            using var b = SafetensorsFile.Open(sharded);
            Assert.Equal(Layout(a), Layout(b));
            foreach (var entry in a.Entries) Assert.True(a.Bytes(entry).SequenceEqual(b.Bytes(entry)), $"{name}: '{entry.Name}' differs");
        }
    }

    [Fact]
    public void ShardedOutputReadsBackAsTheSingleFileAndCarriesTheBaseConfig()
    {
        var (files, folders) = WriteModels();
        var method = MergeMethod.Create("ties", new MergeOptions());
        ModelMerger.Merge(method, folders[0], folders[1..], PathOf("single.safetensors"));
        string output = PathOf("out-shards");
        ModelMerger.Merge(method, folders[0], folders[1..], new MergeOutput(output) { ShardSize = 150 });

        using (var source = StateSource.Open(output)) AssertSameTensors(PathOf("single.safetensors"), source, "sharded output");
        var shards = Directory.GetFiles(output, "*.safetensors").Order().ToArray();
        Assert.True(shards.Length > 2, $"{shards.Length} shards");
        Assert.Equal(Enumerable.Range(1, shards.Length).Select(i => $"model-{i:D5}-of-{shards.Length:D5}.safetensors"), shards.Select(Path.GetFileName));
        foreach (string shard in shards)
        {
            using var file = SafetensorsFile.Open(shard);
            long bytes = file.Entries.Sum(e => e.ByteCount);
            Assert.True(bytes <= 150 || file.Entries.Count == 1, $"{Path.GetFileName(shard)} holds {bytes} bytes in {file.Entries.Count} tensors");
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal("ties", file.Metadata["ham.merge.method"]);
        }
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, CheckpointFiles.IndexName)));
        using var single = SafetensorsFile.Open(PathOf("single.safetensors"));
        Assert.Equal(single.Entries.Sum(e => e.ByteCount), index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.Equal(single.Entries.Count, index.RootElement.GetProperty("weight_map").EnumerateObject().Count());
        Assert.Equal("{\"model_type\": \"clip\"}", File.ReadAllText(Path.Combine(output, "config.json")));
        Assert.False(Directory.Exists(output + ".tmp"));

        // A sharded output is written into a new folder, never over one that holds something.
        Assert.Contains("not empty", Assert.Throws<IOException>(() => ModelMerger.Merge(method, folders[0], folders[1..], new MergeOutput(output) { ShardSize = 150 })).Message);
    }

    [Fact]
    public void DTypeCastsFloatingPointTensorsOnceFromTheComputeDType()
    {
        using var scope = new DisposeScope();
        var (files, _) = WriteModels();
        var method = MergeMethod.Create("rhm", new MergeOptions());
        ModelMerger.Merge(method, files[0], files[1..], PathOf("stored.safetensors"));
        ModelMerger.Merge(method, files[0], files[1..], new MergeOutput(PathOf("fp32.safetensors")) { DType = DType.Float32 });
        ModelMerger.Merge(method, files[0], files[1..], new MergeOutput(PathOf("bf16.safetensors")) { DType = DType.BFloat16 });
        using var stored = SafetensorsFile.Open(PathOf("stored.safetensors"));
        using var fp32 = SafetensorsFile.Open(PathOf("fp32.safetensors"));
        using var bf16 = SafetensorsFile.Open(PathOf("bf16.safetensors"));
        foreach (var entry in stored.Entries)
        {
            var wide = fp32.Read(entry.Name);
            if (!entry.DType.IsFloatingPoint())
            {
                Assert.Equal(entry.DType, wide.DType);
                Assert.Equal(entry.DType, bf16.Entry(entry.Name).DType);
                continue;
            }
            Assert.Equal(DType.Float32, wide.DType);
            // The fp16 tensor was merged in float32 and rounded once, so the fp32 output rounds to the stored file.
            Assert.True(stored.Read(entry.Name).Bytes.SequenceEqual(wide.To(entry.DType).Bytes), $"'{entry.Name}' fp32 -> {entry.DType.Name()}");
            Assert.True(bf16.Read(entry.Name).Bytes.SequenceEqual(wide.To(DType.BFloat16).Bytes), $"'{entry.Name}' bf16");
        }
    }

    [Fact]
    public void ABrokenIndexIsAnErrorNamingTheShardOrTensor()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(1);
        var state = RandomState(generator, isBase: true);
        var names = state.Keys.ToList();
        string Folder(string name, Action<string> build)
        {
            string folder = PathOf(name);
            Directory.CreateDirectory(folder);
            build(folder);
            return folder;
        }
        void Save(string folder, string shard, IEnumerable<string> tensors) =>
            SafetensorsWriter.Save(Path.Combine(folder, shard), tensors.Select(n => KeyValuePair.Create(n, state[n])));

        string missing = Folder("missing", f =>
        {
            Save(f, "a.safetensors", names.Take(3));
            WriteIndex(f, names.ToDictionary(n => n, n => names.IndexOf(n) < 3 ? "a.safetensors" : "gone.safetensors"));
        });
        string twice = Folder("twice", f =>
        {
            Save(f, "a.safetensors", names.Take(4));
            Save(f, "b.safetensors", names.Skip(3));
            WriteIndex(f, names.ToDictionary(n => n, n => names.IndexOf(n) < 4 ? "a.safetensors" : "b.safetensors"));
        });
        string outside = Folder("outside", f =>
        {
            Save(_dir, "x.safetensors", names);
            WriteIndex(f, names.ToDictionary(n => n, _ => "../x.safetensors"));
        });
        string repeated = Folder("repeated", f =>
        {
            Save(f, "a.safetensors", names);
            File.WriteAllText(Path.Combine(f, CheckpointFiles.IndexName),
                $"{{\"weight_map\": {{{string.Join(", ", names.Append(names[0]).Select(n => $"\"{n}\": \"a.safetensors\""))}}}}}");
        });
        string unlisted = Folder("unlisted", f =>
        {
            Save(f, "a.safetensors", names);
            WriteIndex(f, names.Skip(1).ToDictionary(n => n, _ => "a.safetensors"));
        });

        var cases = new (string Folder, string[] Named)[]
        {
            (missing, ["gone.safetensors"]),
            (twice, [$"'{names[3]}'", "two shards"]),
            (outside, ["'../x.safetensors'", "outside the folder"]),
            (repeated, [$"'{names[0]}' twice"]),
            (unlisted, [$"'{names[0]}'", "does not list"]),
        };
        foreach (var (folder, named) in cases)
        {
            var error = Assert.ThrowsAny<Exception>(() => StateSource.Open(folder).Dispose());
            Assert.True(error is InvalidDataException or FileNotFoundException, error.GetType().Name);
            foreach (string part in named) Assert.Contains(part, error.Message);
            Assert.Contains(Path.Combine(folder, CheckpointFiles.IndexName), error.Message);
        }
    }

    [Fact]
    public void CommandWritesShardsAndRejectsABadSize()
    {
        var (files, folders) = WriteModels();
        var (code, output) = ConsoleCapture.Run(["merge", "--method", "ties", "--base", folders[0], "--models", .. folders[1..],
            "--out", PathOf("cli-shards"), "--out-shard-size", "0.2KB", "--dtype", "fp16"]);
        Assert.True(code == 0, output);
        using (var source = StateSource.Open(PathOf("cli-shards")))
        {
            Assert.True(Directory.GetFiles(PathOf("cli-shards"), "*.safetensors").Length > 1);
            Assert.Equal(DType.Float16, source.Describe("visual.proj").DType);
        }
        (code, output) = ConsoleCapture.Run(["merge", "--method", "ties", "--base", files[0], "--models", .. files[1..],
            "--out", PathOf("never"), "--out-shard-size", "lots"]);
        Assert.Equal(1, code);
        Assert.Contains("--out-shard-size must be a size such as 20KB", output);
        (code, output) = ConsoleCapture.Run(["merge", "--method", "ties", "--base", files[0], "--models", .. files[1..],
            "--out", PathOf("never.safetensors"), "--dtype", "fp8"]);
        Assert.Contains("--dtype must be fp32, fp16 or bf16", output);
    }
}
