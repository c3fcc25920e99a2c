using System.CommandLine;
using System.Text.Json.Nodes;
using Ham.Torch.Distributed;
using Ham.Training;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham train`: any registered algorithm on one DomainBed split, with evaluation and the delivered
/// model. Under torchrun's environment (RANK, WORLD_SIZE, ...: `ham launch`, torchrun, a Slurm
/// script) it is one rank of a multi-process run over c10d; HAM_DIST_TIMEOUT (seconds) bounds every wait for a peer.
/// </summary>
static class TrainCommand
{
    public static Command Create()
    {
        var flags = new TrainingFlags();
        var testDomain = new Option<string>("--test-domain") { Description = "the held-out domain", Required = true };
        var output = new Option<string>("--out") { Description = "run folder", Required = true };
        var method = new Option<string>("--method") { Description = TrainingFlags.MethodHelp, DefaultValueFactory = _ => TrainingOptions.Defaults.Method };
        var variant = new Option<string>("--variant") { Description = "the row label `ham report` gives this run (default: the method's name)" };
        var hparamsSeed = new Option<int>("--hparams-seed") { Description = "DomainBed's hparams_seed: 0 = defaults, N draws each from the search space" };
        var seed = new Option<int>("--seed");
        var trialSeed = new Option<int>("--trial-seed");
        var resume = new Option<bool>("--resume") { Description = "continue the unfinished run in --out from its checkpoint (a new or empty folder starts one)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace the run in --out: its files are removed (files Ham did not write are refused, never removed)" };
        var command = new Command("train", "Train one algorithm (HAM, a baseline) on the source domains and evaluate on the held-out domain.");
        foreach (var option in (Option[])[testDomain, output, method, variant, hparamsSeed, seed, trialSeed, resume, overwrite, .. flags.All])
            command.Options.Add(option);
        command.SetAction(parse => Run(flags.Read(parse, parse.GetValue(method)!, parse.GetValue(testDomain)!, parse.GetValue(output)!) with
        {
            Variant = parse.GetValue(variant), HparamsSeed = parse.GetValue(hparamsSeed), Seed = parse.GetValue(seed), TrialSeed = parse.GetValue(trialSeed),
            Resume = parse.GetValue(resume), Overwrite = parse.GetValue(overwrite),
            StopAfter = Environment.GetEnvironmentVariable("HAM_STOP_AFTER") is { } stop ? int.Parse(stop) : null,
        }));
        return command;
    }

    static int Run(TrainingOptions options)
    {
        JsonObject results = null!;
        var launch = LaunchEnvironment.Read();
        using var ranks = launch is null ? null : ProcessGroup.Create(launch);
        Ham.Data.Datasets.ScanReport? scan = null;
        // Every image is decoded once before step 1 and the unreadable ones are left out, so no run dies half-way on one.
        using (var trainer = new Trainer(options, listing => { var (dataset, report) = ReadableDataset.Check(listing); scan = report; return dataset; },
            ranks, launch?.LocalRank ?? 0))
        {
            if (trainer.ActivationAssumed) ActivationOption.NoteAssumed(options.ModelPath);
            int steps = trainer.Hyperparameters.Int("steps");
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{options.Method} (test: {Markup.Escape(options.TestDomain)})", maxValue: steps);
                    results = trainer.Run((step, status) => { task.Value = step; task.Description = $"{status} {step}/{steps}"; });
                });
        }
        if (results["rank"] is { } rank)
        {
            Console.WriteLine($"rank {rank} trained {string.Join(", ", results["sources"]!.AsArray())}; rank 0 wrote the run folder");
            return 0;
        }
        if (!results.ContainsKey("test_accuracy"))
        {
            Console.WriteLine($"stopped at step {results["step"]}; continue with --resume");
            return 0;
        }
        AnsiConsole.Write(ResultsTable(results));
        ReadableDataset.PrintSkipped(scan!);
        return 0;
    }

    public static Table ResultsTable(JsonObject results)
    {
        var table = new Table().Title(Markup.Escape($"{results["method"]}, test domain {results["test_domain"]}"))
            .AddColumn("model").AddColumn(new TableColumn("val %").RightAligned()).AddColumn(new TableColumn("test %").RightAligned());
        foreach (var (name, node) in results["variants"]!.AsObject())
            if (node is JsonObject variant)
                table.AddRow(name.Replace('_', ' '), $"{100 * variant["val"]!.GetValue<double>():F2}", $"{100 * variant["test"]!.GetValue<double>():F2}");
        return table;
    }
}
