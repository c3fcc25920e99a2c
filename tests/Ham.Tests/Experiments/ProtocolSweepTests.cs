using Ham.Experiments;
using Ham.Tests.Cli;
using Ham.Training;

namespace Ham.Tests.Experiments;

/// <summary>A one-step sweep of the fixture's tiny CLIP on PACS-mini.</summary>
[Collection(nameof(ConsoleCapture))]
public class ProtocolSweepTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-sweep").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    TrainingOptions Template => new()
    {
        DataDir = SharedData.Path("data", "PACS-mini"), TestDomain = "sketch", OutDir = _dir,
        ModelPath = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"),
        EvalEvery = 1, Hyperparameters = Hparams(("steps", "1"), ("batch_size", "2"), ("merge", "ties")),
    };

    static SortedDictionary<string, string> Hparams(params (string Name, string Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value), StringComparer.Ordinal);

    [Fact]
    public void AnUnknownTestDomainFailsBeforeAnyRunTrains()
    {
        var sweep = new ProtocolSweep(Template, ["erm"], ["sketch", "sketches"], [41]);
        var error = Assert.Throws<ArgumentException>(() => sweep.Run());
        Assert.Contains("'sketches'", error.Message);
        Assert.Contains("art_painting, cartoon, photo, sketch", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    /// <summary>
    /// A sweep killed inside a run continues that run from its checkpoint: started again with other
    /// options it is refused as a resume would be, and with the same options it finishes.
    /// </summary>
    [Fact]
    public void AKilledSweepResumesTheRunItWasIn()
    {
        var template = Template with { CheckpointEvery = 1, EvalEvery = 2, Hyperparameters = Hparams(("steps", "2"), ("batch_size", "2")) };
        var killed = new ProtocolSweep(template with { StopAfter = 1 }, ["erm"], ["sketch"], [41]);
        killed.Run();
        var run = killed.Runs()[0];
        Assert.False(ProtocolSweep.IsDone(run));
        var changed = new ProtocolSweep(template with { Hyperparameters = Hparams(("steps", "2"), ("batch_size", "2"), ("lr", "1e-3")) }, ["erm"], ["sketch"], [41]);
        Assert.Contains("lr =", Assert.Throws<ArgumentException>(() => changed.Run()).Message);
        new ProtocolSweep(template, ["erm"], ["sketch"], [41]).Run();
        Assert.True(ProtocolSweep.IsDone(run));
    }

    [Fact]
    public void EveryMethodDomainAndSeedRunsOnceIntoItsFolderAndTheTableCountsThem()
    {
        var sweep = new ProtocolSweep(Template, ["erm", "per-source"], ["sketch", "photo"], [41, 42]);
        sweep.Run();

        var runs = sweep.Runs();
        Assert.Equal(8, runs.Count);
        Assert.All(runs, r => Assert.True(ProtocolSweep.IsDone(r), r.OutDir));
        Assert.True(File.Exists(Path.Combine(_dir, "per-source-ties", "photo", "seed42", "results.json")));
        // The seed is the trial seed too: the two seeds hold out different images.
        Assert.NotEqual(File.ReadAllText(Path.Combine(_dir, "erm", "sketch", "seed41", "split.json")),
            File.ReadAllText(Path.Combine(_dir, "erm", "sketch", "seed42", "split.json")));

        // Started again, it trains nothing.
        var written = runs.Select(r => File.GetLastWriteTimeUtc(Path.Combine(r.OutDir, "results.json"))).ToList();
        sweep.Run();
        Assert.Equal(written, runs.Select(r => File.GetLastWriteTimeUtc(Path.Combine(r.OutDir, "results.json"))));

        var (code, output) = ConsoleCapture.Run("report", _dir);
        Assert.True(code == 0, output);
        var table = ResultTable.Collect(_dir);
        Assert.Equal(["ERM", "per-source + ties"], table.Methods);
        Assert.Equal(2, table.Cell("ERM", "photo")!.Runs);
        Assert.Contains("| method | photo | sketch | Avg |", File.ReadAllText(Path.Combine(_dir, "results.md")));
    }
}
