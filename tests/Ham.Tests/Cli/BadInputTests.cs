using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Ham.Tests.Data;
using Ham.Torch.Serialization;

namespace Ham.Tests.Cli;

/// <summary>
/// Every command fed crafted bad input: each case must end with exit 1 (a user error) or 2 (a
/// usage error), one "error:" line naming the thing and no stack trace, and leave the folder it
/// ran in exactly as it was (no output file left behind, none replaced, no link or device touched).
/// "{t}" in an argument is the case's own temporary folder, which its setup fills.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class BadInputTests
{
    public sealed record Case(string Name, string[] Args, Action<TempTree> Setup, int Code, string Names)
    {
        public override string ToString() => Name;
    }

    static string Fixture(params string[] parts) => SharedData.Path(["fixtures", "clip", "vit-tiny", .. parts]);
    static string PacsMini => SharedData.Path("data", "PACS-mini");
    static string Model => Fixture("openai.safetensors");

    static void Nothing(TempTree tree) { }

    static void Files(TempTree tree)
    {
        tree.File("file.txt", "a text file"u8.ToArray());
        File.CreateSymbolicLink(tree.Path("link.json"), "file.txt");
        Directory.CreateDirectory(tree.Path("folder"));
    }

    static void SafetensorsHeader(TempTree tree, string json)
    {
        var header = Encoding.UTF8.GetBytes(json);
        tree.File("bad.safetensors", [.. BitConverter.GetBytes((long)header.Length), .. header]);
    }

    static void HfFolder(TempTree tree, Func<string, string> config)
    {
        tree.File("hf/config.json", Encoding.UTF8.GetBytes(config(File.ReadAllText(Fixture("hf", "config.json")))));
        File.Copy(Fixture("hf", "model.safetensors"), tree.Path("hf/model.safetensors"));
    }

    static void LoopDataset(TempTree tree)
    {
        var jpg = File.ReadAllBytes(SharedData.Path("data", "PACS-mini", "photo", "dog", "056_0001.jpg"));
        foreach (string c in new[] { "cat", "dog" }) tree.File($"data/d/{c}/0.jpg", jpg);
        Directory.CreateSymbolicLink(tree.Path("data/d/cat/loop"), "..");
    }

    static void Records(TempTree tree, string records) => tree.File("sweep/0123456789ab/results.jsonl", Encoding.UTF8.GetBytes(records));

    const string GoodRecord = """{"variant": "ham", "algorithm": "ham", "dataset": "PACS", "test_domain": "sketch", "hparams_seed": 0, "trial_seed": 41, "seed": 41, "step": 2, "model": "final", "delivered": true, "accuracy": {"photo": {"out": 0.5}, "sketch": {"in": 0.5, "out": 0.5}}}""";

    public static TheoryData<Case> Cases => new()
    {
        // Usage errors: parsing and finite numbers.
        new("unknown option", ["data", "info", PacsMini, "--bogus"], Nothing, 2, "--bogus"),
        new("unparsable number", ["data", "split", PacsMini, "--test-domain", "sketch", "--trial-seed", "x", "--out", "{t}/s.json"], Nothing, 2, "--trial-seed"),
        new("NaN holdout", ["data", "split", PacsMini, "--test-domain", "sketch", "--holdout", "NaN", "--out", "{t}/s.json"], Nothing, 2, "--holdout must be a finite number"),
        new("infinite lr", ["train", "--data", PacsMini, "--test-domain", "sketch", "--model", Model, "--out", "{t}/run", "--lr", "Infinity"], Nothing, 1, "hyperparameter 'lr' takes a number, got 'Infinity'"),
        // data
        new("synth into a file", ["data", "synth", "--out", "{t}/file.txt"], Files, 1, "file.txt: a file"),
        new("synth 100000 px", ["data", "synth", "--out", "{t}/synth", "--size", "100000"], Nothing, 1, "size must be 16 to 1024 px"),
        new("synth no images", ["data", "synth", "--out", "{t}/synth", "--per-class", "0"], Nothing, 1, "per-class 1 to"),
        new("split onto a device", ["data", "split", PacsMini, "--test-domain", "sketch", "--out", "/dev/full"], Nothing, 1, "/dev/full: a device"),
        new("split onto a link", ["data", "split", PacsMini, "--test-domain", "sketch", "--out", "{t}/link.json"], Files, 1, "link.json: a symbolic link"),
        new("split onto a folder", ["data", "split", PacsMini, "--test-domain", "sketch", "--out", "{t}/folder"], Files, 1, "folder: a directory"),
        new("holdout out of range", ["data", "split", PacsMini, "--test-domain", "sketch", "--holdout", "1.5", "--out", "{t}/s.json"], Nothing, 1, "--holdout must be in [0, 1)"),
        new("unknown test domain", ["data", "split", PacsMini, "--test-domain", "Sketch", "--out", "{t}/s.json"], Nothing, 1, "no domain 'Sketch'"),
        new("missing dataset", ["data", "info", "{t}/nothing"], Nothing, 1, "nothing: dataset folder does not exist"),
        new("dataset link loop", ["data", "info", "{t}/data"], LoopDataset, 1, "cat/loop: a symbolic link to a folder that contains it"),
        new("no scan threads", ["data", "info", PacsMini, "--threads", "0"], Nothing, 1, "--threads must be at least 1"),
        new("unknown download", ["data", "download", "ImageNet", "--root", "{t}/data"], Nothing, 1, "unknown dataset 'ImageNet'"),
        // clip
        new("embed a text file", ["clip", "embed", "--model", Model, "--images", "{t}/file.txt", "--out", "{t}/e.safetensors"], Files, 1, "file.txt: not a JPEG or PNG"),
        new("embed onto a device", ["clip", "embed", "--model", Model, "--texts", "a", "--out", "/dev/full"], Nothing, 1, "/dev/full: a device"),
        new("convert a cut .pt", ["clip", "convert", "--model", "{t}/cut.pt", "--out", "{t}/c.safetensors"],
            t => t.File("cut.pt", File.ReadAllBytes(Fixture("openai-state.pt"))[..3_000_000]), 1, "cut.pt: not a readable zip archive"),
        new("convert a .pt with a cut record", ["clip", "convert", "--model", "{t}/record.pt", "--out", "{t}/c.safetensors"],
            t => Torch.TorchFileFuzzTests.Rewritten("openai-state.pt", (name, bytes) => name.EndsWith("/data/0") ? bytes[..10] : bytes, t.Path("record.pt")), 1,
            "record.pt: record openai-state/data/0 holds 10 bytes but its tensor storage needs 9856"),
        new("convert a cut TorchScript", ["clip", "convert", "--model", "{t}/jit.pt", "--out", "{t}/c.safetensors"],
            t => Torch.TorchFileFuzzTests.Rewritten("openai-jit.pt", (name, bytes) => name.EndsWith("/data/12") ? bytes[..100] : bytes, t.Path("jit.pt")), 1,
            "jit.pt: record openai-jit/data/12 holds 100 bytes"),
        new("convert a [2^40, 2^40] header", ["clip", "convert", "--model", "{t}/bad.safetensors", "--out", "{t}/c.safetensors"],
            t => SafetensorsHeader(t, """{"w": {"dtype": "F32", "shape": [1099511627776, 1099511627776], "data_offsets": [0, 0]}}"""), 1, "tensor 'w' has shape [1099511627776, 1099511627776] x F32, more than 2^63 bytes"),
        new("convert an empty safetensors", ["clip", "convert", "--model", "{t}/bad.safetensors", "--out", "{t}/c.safetensors"],
            t => t.File("bad.safetensors", []), 1, "bad.safetensors: 0 bytes is too short"),
        new("convert a bert config", ["clip", "convert", "--model", "{t}/hf", "--out", "{t}/c.safetensors"],
            t => HfFolder(t, c => c.Replace("\"clip\"", "\"bert\"")), 1, "model_type is 'bert', not 'clip'"),
        new("convert a 1-wide-head config", ["clip", "convert", "--model", "{t}/hf", "--out", "{t}/c.safetensors"],
            t => HfFolder(t, c => c.Replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3")), 1, "vision_config.num_attention_heads is 3"),
        new("convert a link loop", ["clip", "convert", "--model", "{t}/a.safetensors", "--out", "{t}/c.safetensors"],
            t => { File.CreateSymbolicLink(t.Path("a.safetensors"), "b.safetensors"); File.CreateSymbolicLink(t.Path("b.safetensors"), "a.safetensors"); }, 1, "a.safetensors: a loop of symbolic links"),
        new("convert to fp8", ["clip", "convert", "--model", Model, "--out", "{t}/c.safetensors", "--dtype", "fp8"], Nothing, 1, "--dtype must be stored, fp32 or fp16"),
        new("convert with relu", ["clip", "convert", "--model", Model, "--out", "{t}/c.safetensors", "--activation", "relu"], Nothing, 1, "--activation is 'relu'"),
        new("convert onto a link", ["clip", "convert", "--model", Model, "--out", "{t}/link.json"], Files, 1, "link.json: a symbolic link"),
        // zeroshot, eval
        new("zeroshot batch 0", ["zeroshot", "--model", Model, "--data", PacsMini, "--batch", "0"], Nothing, 1, "--batch must be at least 1"),
        new("zeroshot unknown domain", ["zeroshot", "--model", Model, "--data", PacsMini, "--domains", "nope"], Nothing, 1, "no domain 'nope'"),
        new("zeroshot no templates", ["zeroshot", "--model", Model, "--data", PacsMini, "--templates", "{t}/none.txt"], Nothing, 1, "none.txt"),
        new("eval a missing model", ["eval", "--model", "{t}/none.safetensors", "--data", PacsMini], Nothing, 1, "none.safetensors"),
        new("eval a text file as model", ["eval", "--model", "{t}/file.txt", "--data", PacsMini], Files, 1, "unknown checkpoint format '.txt'"),
        // report
        new("report a blank record", ["report", "{t}/sweep"], t => Records(t, " "), 1, "results.jsonl line 1: not valid JSON"),
        new("report a cut record", ["report", "{t}/sweep"], t => Records(t, GoodRecord + "\n" + GoodRecord[..20]), 1, "results.jsonl line 2: not valid JSON"),
        new("report {} record", ["report", "{t}/sweep"], t => Records(t, "{}"), 1, "results.jsonl line 1: no 'variant' string"),
        new("report a list record", ["report", "{t}/sweep"], t => Records(t, "[1]"), 1, "results.jsonl line 1: not a JSON object"),
        new("report no test out-split", ["report", "{t}/sweep"], t => Records(t, GoodRecord.Replace("\"in\": 0.5, \"out\": 0.5", "\"in\": 0.5")), 1,
            "results.jsonl line 1: no in- and out-split accuracy of the test domain 'sketch'"),
        new("report NaN accuracy", ["report", "{t}/sweep"], t => Records(t, GoodRecord.Replace("\"out\": 0.5}}", "\"out\": \"NaN\"}}")), 1, "accuracy of 'sketch': no 'out' number"),
        new("report no runs", ["report", "{t}"], Nothing, 1, "no records (results.jsonl) below"),
        new("eval --run of no run", ["eval", "--run", "{t}", "--model", Model], Nothing, 1, "results.jsonl: no records"),
        new("eval --run with --data", ["eval", "--run", "{t}", "--model", Model, "--data", PacsMini], Nothing, 1, "--run scores on the run's own dataset"),
        new("sweep 0 trials", ["sweep", "--data", PacsMini, "--model", Model, "--out", "{t}/s", "--n-hparams", "0"], Nothing, 1, "--n-hparams must be at least 1"),
        new("sweep unknown hparam", ["sweep", "--data", PacsMini, "--model", Model, "--out", "{t}/s", "--methods", "erm", "--hparam", "lamda=1"], Nothing, 1,
            "no method of the sweep (erm) has hyperparameter 'lamda'"),
        // pretrain, doctor, merge
        new("pretrain no corpus", ["pretrain", "--data", "{t}/none", "--out", "{t}/p.safetensors"], Nothing, 1, "no captions at"),
        new("pretrain 0 steps", ["pretrain", "--data", "{t}", "--out", "{t}/p.safetensors", "--steps", "0"], Nothing, 1, "--steps must be at least 1"),
        new("pretrain patch 5", ["pretrain", "--data", "{t}", "--out", "{t}/p.safetensors", "--patch", "5", "--vision", "vit"], Nothing, 1, "--patch must divide"),
        new("doctor 100000", ["doctor", "--size", "100000"], Nothing, 1, "--size must be from 16 to 8192"),
        new("merge a missing model", ["merge", "--method", "average", "--models", "{t}/none.safetensors", "{t}/none2.safetensors", "--out", "{t}/m.safetensors"], Nothing, 1, "none.safetensors"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EndsWithOneLineNamingTheThingAndChangesNothing(Case c)
    {
        using var tree = new TempTree();
        c.Setup(tree);
        var before = Snapshot(tree.Root);
        string[] args = c.Args.Select(a => a.Replace("{t}", tree.Root)).ToArray();
        var (code, output) = ConsoleCapture.Run(args);
        AssertOneErrorLine(c, code, output);
        Assert.Equal(before, Snapshot(tree.Root));
        Assert.Equal(FileSystemEntryKind.Device, FileSystemEntry.Of("/dev/full").Kind);
    }

    internal static void AssertOneErrorLine(Case c, int code, string output)
    {
        Assert.True(code == c.Code, $"{c.Name}: exit {code}, expected {c.Code}: {output}");
        var errors = output.Split('\n').Where(l => l.StartsWith("error: ")).ToList();
        Assert.True(errors.Count == 1, $"{c.Name}: {errors.Count} error lines: {output}");
        Assert.Contains(c.Names, errors[0]);
        Assert.DoesNotContain("bug in Ham", output);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>Every entry below <paramref name="root"/> (not following links): its kind, and a file's bytes or a link's target.</summary>
    internal static List<string> Snapshot(string root)
    {
        var entries = new List<string>();
        void Walk(string dir)
        {
            foreach (string path in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
            {
                var entry = FileSystemEntry.Of(path);
                string what = entry.Kind switch
                {
                    FileSystemEntryKind.Regular => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))),
                    FileSystemEntryKind.SymbolicLink => new FileInfo(path).LinkTarget!,
                    _ => entry.Kind.ToString(),
                };
                entries.Add($"{Path.GetRelativePath(root, path)} {what}");
                if (entry.Kind == FileSystemEntryKind.Directory) Walk(path);
            }
        }
        Walk(root);
        return entries;
    }

    /// <summary>Settings read from the environment, in a process of their own (the library is loaded once per process).</summary>
    public static TheoryData<Case, string> EnvironmentCases => new()
    {
        { new("native library missing", ["doctor", "--size", "16"], Nothing, 1, "HAM_NATIVE points to '/nonexistent/libham_native.so', which does not exist"), "HAM_NATIVE=/nonexistent/libham_native.so" },
        { new("100000 threads", ["doctor", "--size", "16"], Nothing, 1, "HAM_THREADS must be an integer from 1 to"), "HAM_THREADS=100000" },
        { new("pixel limit not a number", ["clip", "embed", "--model", Model, "--images", SharedData.Path("fixtures", "clip", "images", "sketch_5921.png"), "--out", "{t}/e.safetensors"], Nothing, 1,
            "HAM_MAX_IMAGE_PIXELS must be a positive integer, got 'lots'"), "HAM_MAX_IMAGE_PIXELS=lots" },
    };

    [Theory]
    [MemberData(nameof(EnvironmentCases))]
    public void EnvironmentSettingsAreCheckedAndNamed(Case c, string setting)
    {
        using var tree = new TempTree();
        var before = Snapshot(tree.Root);
        var (code, output) = RunProcess(c.Args.Select(a => a.Replace("{t}", tree.Root)), setting);
        AssertOneErrorLine(c, code, output);
        Assert.Equal(before, Snapshot(tree.Root));
    }

    /// <summary>
    /// HAM_MAX_IMAGE_PIXELS sets the limit both ways: lowered, an ordinary photo is refused; raised,
    /// a header just above Pillow's limit (13500 x 13500) is decoded (and found short) instead of refused.
    /// </summary>
    [Fact]
    public void HamMaxImagePixelsSetsThePixelLimit()
    {
        using var tree = new TempTree();
        tree.File("d/cat/0.jpg", File.ReadAllBytes(SharedData.Path("data", "PACS-mini", "photo", "dog", "056_0001.jpg")));
        tree.File("d/cat/big.png", ImageFuzzTests.PngHeader(13500, 13500));
        var (code, output) = RunProcess(["data", "info", tree.Root], null);
        Assert.Equal(2, code);
        Assert.Contains("big.png: 13500x13500 is 182250000 pixels, above the limit of 178956970", output);
        Assert.Contains("decoded 1 of 2 images", output);
        (code, output) = RunProcess(["data", "info", tree.Root], "HAM_MAX_IMAGE_PIXELS=182250000");
        Assert.Equal(2, code);
        Assert.Contains("big.png: corrupt or truncated PNG", output);
        (code, output) = RunProcess(["data", "info", tree.Root], "HAM_MAX_IMAGE_PIXELS=100");
        Assert.Contains("0.jpg: 227x227 is 51529 pixels, above the limit of 100", output);
    }

    internal static (int Code, string Output) RunProcess(IEnumerable<string> args, string? setting)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ham.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        if (setting is not null) start.Environment[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
