using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Tests.Data;
using Ham.Training;
using static Ham.Tests.Cli.BadInputTests;

namespace Ham.Tests.Cli;

/// <summary>
/// `ham train` owns its run folder: a folder holding another run, files Ham did not write, an
/// --out inside the dataset, a Ham name that is a link or a folder, a batch no source can fill,
/// and a folder another live process writes are each refused with exit 1 and one line naming the
/// thing, the folder left exactly as it was; --overwrite replaces a run (only its own files) and
/// a lock whose process is gone is taken over.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class RunFolderTests
{
    static string PacsMini => SharedData.Path("data", "PACS-mini");
    static string Model => SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");

    static string[] Train(string data, string output, params string[] more) =>
        ["train", "--data", data, "--model", Model, "--test-domain", "sketch", "--out", output, "--steps", "1", "--batch", "2", .. more];

    static void Finished(TempTree t)
    {
        foreach (string file in new[] { "run.json", "split.json", "log.jsonl", "results.json", "results.jsonl", "done", "model.safetensors", "losses.svg", "sources/photo.safetensors" })
            t.File($"run/{file}", "old"u8.ToArray());
    }

    static void Unfinished(TempTree t)
    {
        foreach (string file in new[] { "run.json", "split.json", "log.jsonl", "results.jsonl", "checkpoint/state.json", "checkpoint/model0.safetensors" })
            t.File($"run/{file}", "old"u8.ToArray());
    }

    /// <summary>Three domains of two classes, three images each (PACS-mini's), and a link to it.</summary>
    static void SmallDataset(TempTree t)
    {
        var jpg = File.ReadAllBytes(Path.Combine(PacsMini, "photo", "dog", "056_0001.jpg"));
        foreach (string domain in new[] { "photo", "cartoon", "sketch" })
            foreach (string c in new[] { "cat", "dog" })
                for (int i = 0; i < 3; i++) t.File($"data/{domain}/{c}/{i}.jpg", jpg);
        Directory.CreateSymbolicLink(t.Path("link"), "data");
    }

    public static TheoryData<Case> Cases => new()
    {
        new("a finished run", Train(PacsMini, "{t}/run"), Finished, 1, "run holds a finished run (results.json); pass --overwrite to replace it"),
        new("a finished run resumed", Train(PacsMini, "{t}/run", "--resume"), Finished, 1, "run holds a finished run (results.json)"),
        new("an unfinished run", Train(PacsMini, "{t}/run"), Unfinished, 1,
            "run holds an unfinished run (checkpoint, log.jsonl, results.jsonl, run.json, split.json); pass --resume to continue it or --overwrite to replace it"),
        new("a folder of other files", Train(PacsMini, "{t}/run"), t => t.File("run/notes.txt"), 1, "run holds files Ham did not write (notes.txt); a run folder must be new or empty"),
        new("a folder of other files resumed", Train(PacsMini, "{t}/run", "--resume"), t => t.File("run/notes.txt"), 1, "holds files Ham did not write (notes.txt)"),
        new("overwrite beside another file", Train(PacsMini, "{t}/run", "--overwrite"), t => { Finished(t); t.File("run/notes.txt"); }, 1,
            "holds files Ham did not write (notes.txt); --overwrite removes only a run's own files"),
        new("overwrite beside another file in sources", Train(PacsMini, "{t}/run", "--overwrite"), t => { Finished(t); t.File("run/sources/notes.txt"); }, 1,
            "holds files Ham did not write (sources/notes.txt)"),
        new("run.json a link", Train(PacsMini, "{t}/run", "--resume"), t => { Unfinished(t); File.Delete(t.Path("run/run.json")); File.CreateSymbolicLink(t.Path("run/run.json"), "split.json"); }, 1,
            "run.json: a symbolic link; Ham writes a regular file there"),
        new("model a folder", Train(PacsMini, "{t}/run", "--overwrite"), t => { Finished(t); File.Delete(t.Path("run/model.safetensors")); Directory.CreateDirectory(t.Path("run/model.safetensors")); }, 1,
            "model.safetensors: a directory; Ham writes a regular file there"),
        new("the lock a link", Train(PacsMini, "{t}/run", "--resume"), t => { Unfinished(t); File.CreateSymbolicLink(t.Path("run/.lock"), "/dev/full"); }, 1,
            ".lock: a symbolic link; Ham writes a regular file there"),
        new("out a file", Train(PacsMini, "{t}/run"), t => t.File("run"), 1, "run: a regular file; --out is a run folder"),
        new("out a dangling link", Train(PacsMini, "{t}/run"), t => File.CreateSymbolicLink(t.Path("run"), "nowhere"), 1, "run: a symbolic link to nothing"),
        new("resume and overwrite", Train(PacsMini, "{t}/run", "--resume", "--overwrite"), Nothing, 1, "--resume continues the run in --out and --overwrite replaces it: give one of them"),
        new("out inside data through a link", Train("{t}/data", "{t}/link/photo/run"), SmallDataset, 1, "is inside --data {t}/data"),
        new("out the data", Train("{t}/link", "{t}/data"), SmallDataset, 1, "--out {t}/data is inside --data {t}/link"),
        new("batch above a source's in-split", ["train", "--data", PacsMini, "--model", Model, "--test-domain", "sketch", "--out", "{t}/run", "--steps", "1", "--batch", "100000"], Nothing, 1,
            "hyperparameter batch_size is 100000, but source 'art_painting' has 224 training images (its in-split, without the 56 held out): a batch draws from one source, so use at most 224"),
        new("unknown activation", Train(PacsMini, "{t}/run", "--activation", "relu"), Nothing, 1, "--activation is 'relu'; Ham supports gelu and quick_gelu"),
    };

    static void Nothing(TempTree tree) { }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RefusedWithOneLineAndTheFolderAsItWas(Case c)
    {
        using var tree = new TempTree();
        c.Setup(tree);
        var before = Snapshot(tree.Root);
        var (code, output) = ConsoleCapture.Run(c.Args.Select(a => a.Replace("{t}", tree.Root)).ToArray());
        AssertOneErrorLine(c with { Names = c.Names.Replace("{t}", tree.Root) }, code, output);
        Assert.Equal(before, Snapshot(tree.Root));
    }

    /// <summary>
    /// --resume of a run whose run.json or checkpoint state.json is empty, cut or lacks a field is
    /// one line naming the file; the folder keeps everything it held (only the lock file is added).
    /// </summary>
    [Theory]
    [InlineData("run.json", "", "run.json: not valid JSON")]
    [InlineData("run.json", "{\"options\": {", "run.json: not valid JSON")]
    [InlineData("run.json", "[1]", "run.json: not a JSON object")]
    [InlineData("run.json", "{}", "run.json: no 'options' object")]
    [InlineData("checkpoint/state.json", "{\"ste", "state.json: not valid JSON")]
    [InlineData("checkpoint/state.json", "{}", "state.json: no 'step' integer")]
    public void ResumeOfABrokenRunNamesTheFile(string file, string content, string names)
    {
        using var tree = new TempTree();
        string[] train = [.. Train(PacsMini, tree.Path("run"))[..^4], "--steps", "2", "--batch", "2", "--checkpoint-every", "1", "--eval-every", "2"];
        var first = ConsoleCapture.Run(train);
        Assert.True(first.ExitCode == 0, first.Output);
        File.Delete(tree.Path("run/results.json"));
        if (file == "run.json") Directory.Delete(tree.Path("run/checkpoint"), recursive: true);   // so the run is read before any checkpoint
        File.WriteAllText(tree.Path($"run/{file}"), content);
        var before = Snapshot(tree.Root);
        var (code, output) = ConsoleCapture.Run([.. train, "--resume"]);
        AssertOneErrorLine(new Case(names, [], Nothing, 1, names), code, output);
        Assert.Equal(before, Snapshot(tree.Root));
    }

    /// <summary>
    /// --overwrite removes every file of the old run (a source the new run does not have, an old
    /// checkpoint) before training, and takes over a lock left by a process that is gone.
    /// </summary>
    [Fact]
    public void OverwriteReplacesTheOldRunAndTakesOverALockWhoseProcessIsGone()
    {
        using var tree = new TempTree();
        Finished(tree);
        tree.File("run/sources/gone.safetensors", "old"u8.ToArray());
        tree.File("run/checkpoint.old/state.json", "old"u8.ToArray());
        tree.File("run/.lock", "999999 a-host-long-gone\n"u8.ToArray());
        var (code, output) = ConsoleCapture.Run(Train(PacsMini, tree.Path("run"), "--overwrite", "--eval-every", "1"));
        Assert.True(code == 0, output);
        Assert.Equal(["art_painting.safetensors", "cartoon.safetensors", "photo.safetensors"],
            Directory.GetFiles(tree.Path("run/sources")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(tree.Path("run/checkpoint.old")));
        Assert.Equal("ham", JsonNode.Parse(File.ReadAllText(tree.Path("run/results.json")))!["method"]!.GetValue<string>());
        Assert.NotEqual("old", File.ReadAllText(tree.Path("run/model.safetensors"))[..3]);
        Assert.StartsWith("{", File.ReadAllText(tree.Path("run/results.jsonl")));   // the old records went with the old run
        Assert.Equal($"{Environment.ProcessId} {Environment.MachineName}", File.ReadAllText(tree.Path("run/.lock")).Trim());
    }

    /// <summary>
    /// A `ham train` process holds its folder: a second writer is refused naming its pid while it
    /// lives, and the lock is free the moment it is killed (no stale lock to remove by hand).
    /// </summary>
    [Fact]
    public void ASecondWriterIsRefusedWhileTheFirstLivesAndTheLockIsFreeOnceItIsKilled()
    {
        using var tree = new TempTree();
        string run = tree.Path("run");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Path.Combine(AppContext.BaseDirectory, "ham.dll"), "train", "--data", PacsMini, "--model", Model, "--test-domain", "sketch", "--out", run,
                     "--steps", "100000", "--batch", "2", "--eval-every", "100000", "--checkpoint-every", "100000"])
            start.ArgumentList.Add(a);
        using var writer = Process.Start(start)!;
        var printed = new System.Text.StringBuilder();   // read as it comes, so a full pipe never stops the writer
        writer.OutputDataReceived += (_, e) => { lock (printed) printed.AppendLine(e.Data); };
        writer.ErrorDataReceived += (_, e) => { lock (printed) printed.AppendLine(e.Data); };
        writer.BeginOutputReadLine();
        writer.BeginErrorReadLine();
        try
        {
            string lockFile = Path.Combine(run, RunLock.FileName);
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(lockFile) && File.ReadAllText(lockFile).StartsWith($"{writer.Id} ")))
            {
                if (writer.HasExited) Assert.Fail($"the writer ended first: {printed}");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the writer never took the lock");
                Thread.Sleep(200);
            }
            var (code, output) = ConsoleCapture.Run(Train(PacsMini, run, "--resume"));
            Assert.Equal(1, code);
            Assert.Contains($".lock: the run is being written by another process (pid {writer.Id} on {Environment.MachineName})", output);
            writer.Kill();
            writer.WaitForExit();
            using (RunLock.Acquire(run)) Assert.StartsWith($"{Environment.ProcessId} ", File.ReadAllText(lockFile));
        }
        finally
        {
            if (!writer.HasExited) writer.Kill();
        }
    }

    /// <summary>
    /// `train` decodes every image before step 1: unreadable ones are named, counted, left out of
    /// the split and recorded in run.json, and the run trains to the end on the rest.
    /// </summary>
    [Fact]
    public void TrainSkipsUnreadableImagesBeforeStepOneAndRecordsThem()
    {
        using var tree = new TempTree();
        SmallDataset(tree);
        tree.File("data/photo/cat/empty.jpg", []);
        tree.File("data/sketch/dog/text.png", "not a png"u8.ToArray());
        var (code, output) = ConsoleCapture.Run(Train(tree.Path("data"), tree.Path("run"), "--eval-every", "1"));
        Assert.True(code == 0, output);
        Assert.Contains("checked 20 images", output);
        Assert.Contains("skipping 2 unreadable", output);
        Assert.Contains("empty.jpg", output);
        Assert.Contains("2 unreadable image(s) skipped", output);
        var run = JsonNode.Parse(File.ReadAllText(tree.Path("run/run.json")))!;
        Assert.Equal(["photo/cat/empty.jpg", "sketch/dog/text.png"], run["skipped_images"]!.AsArray().Select(n => n!.GetValue<string>()));
        var split = JsonNode.Parse(File.ReadAllText(tree.Path("run/split.json")))!;
        Assert.Equal([6, 6, 6], new[] { "photo", "cartoon", "sketch" }.Select(d => split[d]!["size"]!.GetValue<int>()));
        Assert.True(File.Exists(tree.Path("run/results.json")));
    }
}
