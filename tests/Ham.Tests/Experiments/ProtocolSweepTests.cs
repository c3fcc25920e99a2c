using System.Text.Json.Nodes;
using Ham.Experiments;
using Ham.Experiments.Reporting;
using Ham.Experiments.Selection;
using Ham.Tests.Cli;
using Ham.Training;

namespace Ham.Tests.Experiments;

/// <summary>
/// One real sweep, shared by the tests below: the fixture's tiny CLIP on PACS-mini, ERM and HAM x
/// test domain sketch x two hyperparameter trials (the defaults and DomainBed's draw 1) x seeds
/// 41, 42, two steps each at lr 1e-2 (large enough that the trials' models differ).
/// </summary>
public sealed class SweepFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ham-sweep").FullName;
    public string Dir => Path.Combine(Root, "sweep");
    public ProtocolSweep Sweep { get; }

    public static string Data => SharedData.Path("data", "PACS-mini");
    public static string Model => SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");

    public static TrainingOptions Template(string outDir, string lr) => new()
    {
        DataDir = Data, TestDomain = "sketch", OutDir = outDir, ModelPath = Model, EvalEvery = 1,
        Hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["steps"] = "2", ["batch_size"] = "2", ["lr"] = lr },
    };

    public static ProtocolSweep Of(TrainingOptions template, string[] methods, int[] hparamsSeeds, int[] seeds) =>
        new(template, SweepVariant.ForMethods(methods, template.Hyperparameters, "clip"), ["sketch"], hparamsSeeds, seeds);

    public SweepFixture()
    {
        Sweep = Of(Template(Dir, "1e-2"), ["erm", "ham"], [0, 1], [41, 42]);
        Sweep.Run();
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

[Collection(nameof(ConsoleCapture))]
public class ProtocolSweepTests(SweepFixture fixture) : IClassFixture<SweepFixture>
{
    IReadOnlyList<SweepJob> Jobs => fixture.Sweep.Jobs();

    [Fact]
    public void AnUnknownTestDomainFailsBeforeAnyJobTrainsOrPrints()
    {
        string dir = Path.Combine(fixture.Root, "misspelt");
        var sweep = SweepFixture.Of(SweepFixture.Template(dir, "1e-2"), ["erm"], [0], [41]) with { TestDomains = ["sketch", "sketches"] };
        foreach (var attempt in new Action[] { () => sweep.Run(), () => sweep.Commands() })
        {
            var error = Assert.Throws<ArgumentException>(attempt);
            Assert.Contains("'sketches'", error.Message);
            Assert.Contains("art_painting, cartoon, photo, sketch", error.Message);
        }
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void EveryJobTrainsOnceIntoTheFolderNamedByItsConfiguration()
    {
        Assert.Equal(8, Jobs.Count);
        Assert.Equal(8, Jobs.Select(j => j.Options.OutDir).Distinct().Count());
        foreach (var job in Jobs)
        {
            Assert.True(job.IsDone(), job.Options.OutDir);
            var marker = JsonNode.Parse(File.ReadAllText(Path.Combine(job.Options.OutDir, "done")))!.AsObject();
            Assert.Equal(Path.GetFileName(job.Options.OutDir), RunConfiguration.Hash(marker));
            Assert.Equal(job.Options.Variant, marker["variant"]!.GetValue<string>());
        }
        // The seed is the trial seed too: the two seeds hold out different images.
        var split41 = Jobs.First(j => j.Options.Seed == 41).Options.OutDir;
        var split42 = Jobs.First(j => j.Options.Seed == 42).Options.OutDir;
        Assert.NotEqual(File.ReadAllText(Path.Combine(split41, "split.json")), File.ReadAllText(Path.Combine(split42, "split.json")));

        // Started again, it trains nothing.
        var written = Jobs.Select(j => File.GetLastWriteTimeUtc(Path.Combine(j.Options.OutDir, "done"))).ToList();
        fixture.Sweep.Run();
        Assert.Equal(written, Jobs.Select(j => File.GetLastWriteTimeUtc(Path.Combine(j.Options.OutDir, "done"))));
        Assert.Empty(fixture.Sweep.Commands());
    }

    /// <summary>
    /// Training-domain validation by hand from the records' JSON: per run the delivered model's
    /// record with the highest mean source out-accuracy, per seed the trial whose best is highest
    /// (the lower hparams_seed on a tie); the report's cell is the mean ± SE of the chosen trials'
    /// test in-accuracies over the seeds. The oracle: per trial the last delivered record, the test
    /// out-accuracy picks.
    /// </summary>
    [Fact]
    public void SelectionPicksPerSeedTheTrialWithTheHigherValidationAccuracy()
    {
        var runs = Jobs.SelectMany(j => RecordedRun.Read(Path.Combine(j.Options.OutDir, "results.jsonl"))).ToList();
        var table = SweepReport.Build(runs).Tables.Single(t => t.Dataset == "PACS-mini" && t.Selection is TrainingDomainValidation).Table;
        bool trialsDiffer = false;
        foreach (string variant in new[] { "erm", "ham" })
        {
            var chosenTest = new List<double>();
            foreach (int seed in new[] { 41, 42 })
            {
                var trials = Jobs.Where(j => j.Options.Variant == variant && j.Options.Seed == seed).OrderBy(j => j.Options.HparamsSeed).ToList();
                var delivered = trials.Select(j => File.ReadLines(Path.Combine(j.Options.OutDir, "results.jsonl")).Select(l => JsonNode.Parse(l)!)
                    .Where(r => r["delivered"]!.GetValue<bool>()).ToList()).ToList();
                static double Validation(JsonNode r) => new[] { "art_painting", "cartoon", "photo" }.Average(d => r["accuracy"]![d]!["out"]!.GetValue<double>());
                static double TestIn(JsonNode r) => r["accuracy"]!["sketch"]!["in"]!.GetValue<double>();
                var best = delivered.Select(records => records.Aggregate((a, b) => Validation(b) > Validation(a) ? b : a)).ToList();
                int chosen = Validation(best[1]) > Validation(best[0]) ? 1 : 0;
                trialsDiffer |= Validation(best[1]) != Validation(best[0]);
                chosenTest.Add(TestIn(best[chosen]));

                var slot = runs.Where(r => r.Variant == variant && r.TrialSeed == seed).ToList();
                var selected = new TrainingDomainValidation().Best(slot)!.Value;
                Assert.Equal(chosen, selected.Trial.HparamsSeed);
                Assert.Equal(TestIn(best[chosen]), selected.Accuracy.Test);

                var last = delivered.Select(records => records[^1]).ToList();
                static double TestOut(JsonNode r) => r["accuracy"]!["sketch"]!["out"]!.GetValue<double>();
                int oracle = TestOut(last[1]) > TestOut(last[0]) ? 1 : 0;
                Assert.Equal(oracle, new TestDomainOracle().Best(slot)!.Value.Trial.HparamsSeed);
            }
            var cell = table.Cell(variant, "sketch")!;
            double mean = 100 * chosenTest.Average();
            Assert.Equal(mean, cell.Mean, 10);
            Assert.Equal(Math.Sqrt(chosenTest.Sum(v => (100 * v - mean) * (100 * v - mean)) / 2) / Math.Sqrt(2), cell.StandardError, 10);
            Assert.Equal(2, cell.Seeds);
        }
        Assert.True(trialsDiffer, "every trial validated alike: the sweep does not exercise selection");
    }

    /// <summary>
    /// A sweep killed inside a job continues it from its checkpoint when started again, and the
    /// job's records equal those of the uninterrupted sweep's same job (how often checkpoints are
    /// saved is not part of a configuration: the folder has the same name).
    /// </summary>
    [Fact]
    public void AKilledSweepResumesTheJobItWasIn()
    {
        var template = SweepFixture.Template(Path.Combine(fixture.Root, "killed"), "1e-2") with { CheckpointEvery = 1 };
        var killed = SweepFixture.Of(template with { StopAfter = 1 }, ["erm"], [0], [41]);
        killed.Run();
        var job = Assert.Single(killed.Jobs());
        Assert.False(job.IsDone());
        Assert.True(File.Exists(Path.Combine(job.Options.OutDir, "checkpoint", "state.json")));
        SweepFixture.Of(template, ["erm"], [0], [41]).Run();
        Assert.True(job.IsDone());
        string twin = Path.Combine(fixture.Dir, Path.GetFileName(job.Options.OutDir));
        Assert.Equal(File.ReadAllText(Path.Combine(twin, "results.jsonl")), File.ReadAllText(Path.Combine(job.Options.OutDir, "results.jsonl")));
    }

    /// <summary>The bug: the same sweep with another --lr reused the old runs. Now it trains jobs of its own beside them.</summary>
    [Fact]
    public void AnotherLearningRateTrainsNewJobsAndReusesNone()
    {
        var before = Jobs.ToDictionary(j => j.Options.OutDir, j => File.GetLastWriteTimeUtc(Path.Combine(j.Options.OutDir, "done")));
        var other = SweepFixture.Of(SweepFixture.Template(fixture.Dir, "5e-3"), ["erm"], [0], [41]);
        var job = Assert.Single(other.Jobs());
        Assert.DoesNotContain(job.Options.OutDir, before.Keys);
        Assert.False(job.IsDone());
        Assert.Single(other.Commands());
        other.Run();
        Assert.True(job.IsDone());
        Assert.Equal(before, before.Keys.ToDictionary(d => d, d => File.GetLastWriteTimeUtc(Path.Combine(d, "done"))));
        var rows = SweepReport.Collect(fixture.Dir).Tables[0].Table.Rows;
        Assert.Contains("erm (lr=0.01)", rows);
        Assert.Contains("erm (lr=0.005)", rows);
        Assert.Contains("ham", rows);
    }

    /// <summary>
    /// `ham sweep --print-commands` for part of the sweep into another folder, run by bash line by
    /// line (bash splits the words; each line's words then run `ham` in-process): the jobs land in
    /// folders of the same names with the same records as the in-process sweep's, the sweep then
    /// has nothing left to print, and the report equals the one of those in-process jobs.
    /// </summary>
    [Fact]
    public void PrintedCommandsRunByAShellFillTheSweepAsTheSweepItselfDoes()
    {
        string dir = Path.Combine(fixture.Root, "printed");
        var args = new List<string> { "sweep", "--data", SweepFixture.Data, "--model", SweepFixture.Model, "--out", dir, "--methods", "erm", "ham",
            "--test-domains", "sketch", "--seeds", "41", "--steps", "2", "--batch", "2", "--lr", "1e-2", "--eval-every", "1", "--print-commands" };
        var (code, printed) = ConsoleCapture.Run([.. args]);
        Assert.True(code == 0, printed);
        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("ham train ", l));

        foreach (var words in ShellWords(lines))
        {
            Assert.Equal("train", words[0]);
            var (trained, output) = ConsoleCapture.Run([.. words]);
            Assert.True(trained == 0, output);
        }
        (code, printed) = ConsoleCapture.Run([.. args]);
        Assert.True(code == 0 && printed.Trim().Length == 0, printed);

        string inProcess = Path.Combine(fixture.Root, "in-process");
        foreach (string job in Directory.GetDirectories(dir))
        {
            string same = Path.Combine(fixture.Dir, Path.GetFileName(job));
            Assert.True(Directory.Exists(same), $"{job} has no twin in the in-process sweep");
            Assert.Equal(File.ReadAllText(Path.Combine(same, "results.jsonl")), File.ReadAllText(Path.Combine(job, "results.jsonl")));
            Directory.CreateDirectory(Path.Combine(inProcess, Path.GetFileName(job)));
            File.Copy(Path.Combine(same, "results.jsonl"), Path.Combine(inProcess, Path.GetFileName(job), "results.jsonl"));
        }
        Assert.Equal(0, ConsoleCapture.Run("report", dir).ExitCode);
        Assert.Equal(0, ConsoleCapture.Run("report", inProcess).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(inProcess, "results.md")), File.ReadAllText(Path.Combine(dir, "results.md")));
        Assert.Contains("| ham |", File.ReadAllText(Path.Combine(dir, "results.md")));
    }

    /// <summary>A CLIP computed with GELU is another model than with QuickGELU: another job folder, and its printed line says so.</summary>
    [Fact]
    public void TheActivationIsPartOfAJobsConfiguration()
    {
        var template = SweepFixture.Template(Path.Combine(fixture.Root, "activation"), "1e-2");
        var quick = SweepFixture.Of(template, ["erm"], [0], [41]).Jobs().Single();
        var gelu = SweepFixture.Of(template with { Activation = "gelu" }, ["erm"], [0], [41]).Jobs().Single();
        Assert.NotEqual(quick.Options.OutDir, gelu.Options.OutDir);
        Assert.Contains("--activation gelu", gelu.CommandLine());
        Assert.DoesNotContain("--activation", quick.CommandLine());
    }

    /// <summary>
    /// `ham eval --run` of the run's own starting checkpoint: its record scores what the run's
    /// zero-shot record scored (same model, same split, same size), and the report has it as a row. The model is
    /// opened with the run's activation: a run.json naming one that does not exist is refused.
    /// </summary>
    [Fact]
    public void EvalOfARunAppendsARecordTheReportShowsAsItsOwnRow()
    {
        var source = Jobs.First(j => j.Options.Variant == "ham").Options.OutDir;
        string run = Path.Combine(fixture.Root, "posthoc", "run");
        Directory.CreateDirectory(run);
        foreach (string file in new[] { "run.json", "split.json", "results.jsonl" }) File.Copy(Path.Combine(source, file), Path.Combine(run, file));

        var (code, output) = ConsoleCapture.Run("eval", "--run", run, "--model", SweepFixture.Model, "--label", "start");
        Assert.True(code == 0, output);
        var records = File.ReadLines(Path.Combine(run, "results.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var posthoc = records[^1];
        Assert.Equal("posthoc", posthoc["model"]!.GetValue<string>());
        Assert.Equal("start", posthoc["variant"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(records.Single(r => r["model"]!.GetValue<string>() == "zero_shot")["accuracy"], posthoc["accuracy"]));

        (code, output) = ConsoleCapture.Run("report", Path.GetDirectoryName(run)!);
        Assert.True(code == 0, output);
        var table = SweepReport.Collect(Path.GetDirectoryName(run)!).Tables[0].Table;
        Assert.Equal(["ZS", "ham", "start"], table.Rows);
        Assert.Equal(table.Cell("ZS", "sketch"), table.Cell("start", "sketch"));
        Assert.Contains("| start |", output);

        (code, output) = ConsoleCapture.Run("eval", "--run", run, "--model", SweepFixture.Model, "--label", "ham");
        Assert.Equal(1, code);
        Assert.Contains("the run's own variant", output);

        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!;
        description["options"]!["Activation"] = "swish";
        File.WriteAllText(Path.Combine(run, "run.json"), description.ToJsonString());
        (code, output) = ConsoleCapture.Run("eval", "--run", run, "--model", SweepFixture.Model, "--label", "again");
        Assert.Equal(1, code);
        Assert.Contains("run.json: Activation", output);
        Assert.Contains("swish", output);
    }

    /// <summary>Each line's words as bash splits them (quotes removed), by running the lines with `ham` defined to print its arguments.</summary>
    static List<string[]> ShellWords(IEnumerable<string> lines)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var bash = System.Diagnostics.Process.Start(psi)!;
        bash.StandardInput.Write("ham() { printf '%s\\0' \"$@\"; printf '\\n\\0'; }\n" + string.Join("\n", lines) + "\n");
        bash.StandardInput.Close();
        string words = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        return words.Split("\n\0", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('\0', StringSplitOptions.RemoveEmptyEntries)).ToList();
    }
}
