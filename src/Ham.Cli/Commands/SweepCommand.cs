using System.CommandLine;
using Ham.Data.Datasets;
using Ham.Experiments;
using Ham.Training;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham sweep`: DomainBed's protocol over a dataset (every test domain, every method, every seed;
/// <see cref="ProtocolSweep"/>), then `ham report`'s table. Started again, it skips finished runs
/// and resumes a killed one.
/// </summary>
static class SweepCommand
{
    public static Command Create()
    {
        var flags = new TrainingFlags();
        var output = new Option<string>("--out") { Description = "sweep folder (OUT/<method>/<test domain>/seed<N>)", Required = true };
        var methods = new Option<string[]>("--methods") { Description = "registered methods (ham train --help lists them)", DefaultValueFactory = _ => ["ham", "erm", "per-source"], AllowMultipleArgumentsPerToken = true };
        var testDomains = new Option<string[]>("--test-domains") { Description = "default: every domain in turn", AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int[]>("--seeds") { Description = "trial and training seeds", DefaultValueFactory = _ => [.. ProtocolSweep.PaperSeeds], AllowMultipleArgumentsPerToken = true };
        var command = new Command("sweep", "Train every method on every test domain with every seed (DomainBed's protocol) and print the results table.");
        foreach (var option in (Option[])[output, methods, testDomains, seeds, .. flags.All])
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string dataDir = parse.GetValue(flags.Data)!;
            var domains = parse.GetValue(testDomains) is { Length: > 0 } chosen ? chosen : DomainDataset.Open(dataDir).Domains.Select(d => d.Name).ToArray();
            var algorithms = parse.GetValue(methods)!;
            foreach (string m in algorithms) Ham.Training.Algorithms.AlgorithmRegistry.Get(m);
            var template = flags.Read(parse, algorithms[0], domains[0], parse.GetValue(output)!);
            var sweep = new ProtocolSweep(template, algorithms, domains, parse.GetValue(seeds)!);
            return Run(sweep);
        });
        return command;
    }

    static int Run(ProtocolSweep sweep)
    {
        int total = sweep.Runs().Count;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{total} runs", maxValue: total);
                sweep.Run((index, count, run, done) =>
                {
                    task.Value = index + done;
                    task.Description = $"run {index + 1}/{count}: {sweep.MethodFolder(run.Method)}, test {run.TestDomain}, seed {run.Seed}";
                });
                task.Value = task.MaxValue;
            });
        return ReportCommand.Report(sweep.Template.OutDir);
    }
}
