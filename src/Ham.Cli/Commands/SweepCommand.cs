using System.CommandLine;
using Ham.Data.Datasets;
using Ham.Experiments;
using Ham.Training;
using Ham.Training.Backbones;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham sweep`: DomainBed's sweep over a dataset (<see cref="ProtocolSweep"/>: every method x test
/// domain x hyperparameter trial x seed, each job in SWEEP/&lt;configuration hash&gt;), then `ham
/// report`'s tables. Started again, it skips done jobs and resumes a killed one; with
/// --print-commands it trains nothing and prints one `ham train` line per job not done, for any launcher.
/// </summary>
static class SweepCommand
{
    public static Command Create()
    {
        var flags = new TrainingFlags();
        var output = new Option<string>("--out") { Description = "sweep folder (OUT/<hash of each job's configuration>)", Required = true };
        var methods = new Option<string[]>("--methods") { Description = "registered methods (ham train --help lists them)", DefaultValueFactory = _ => ["ham", "erm", "per-source"], AllowMultipleArgumentsPerToken = true };
        var testDomains = new Option<string[]>("--test-domains") { Description = "default: every domain in turn", AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int[]>("--seeds") { Description = "trial seeds (each also the training seed)", DefaultValueFactory = _ => [.. ProtocolSweep.PaperSeeds], AllowMultipleArgumentsPerToken = true };
        var trials = new Option<int>("--n-hparams") { Description = "hyperparameter trials per method, test domain and seed (random search)", DefaultValueFactory = _ => 1 };
        var firstTrial = new Option<int>("--hparams-seed-from") { Description = "the first trial's hparams_seed (0 = the defaults; N = DomainBed's draw)", DefaultValueFactory = _ => 0 };
        var print = new Option<bool>("--print-commands") { Description = "train nothing: print one `ham train` command per job not done yet" };
        var command = new Command("sweep", "Train every method on every test domain with every hyperparameter trial and seed (DomainBed's sweep) and print the results tables.");
        foreach (var option in (Option[])[output, methods, testDomains, seeds, trials, firstTrial, print, .. flags.All])
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string dataDir = parse.GetValue(flags.Data)!;
            int n = parse.GetValue(trials), from = parse.GetValue(firstTrial);
            if (n < 1) throw new ArgumentException($"--n-hparams must be at least 1, got {n}");
            if (from < 0) throw new ArgumentException($"--hparams-seed-from must be >= 0, got {from}");
            var domains = parse.GetValue(testDomains) is { Length: > 0 } chosen ? chosen : DomainDataset.Open(dataDir).Domains.Select(d => d.Name).ToArray();
            var template = flags.Read(parse, TrainingOptions.Defaults.Method, domains[0], parse.GetValue(output)!);
            template.Validate();
            var variants = SweepVariant.ForMethods(parse.GetValue(methods)!, template.Hyperparameters, Backbone.KindOf(template.ModelPath));
            var sweep = new ProtocolSweep(template, variants, domains, Enumerable.Range(from, n).ToList(), parse.GetValue(seeds)!);
            if (parse.GetValue(print))
            {
                foreach (string line in sweep.Commands()) Console.WriteLine(line);
                return 0;
            }
            return Run(sweep);
        });
        return command;
    }

    static int Run(ProtocolSweep sweep)
    {
        int total = sweep.Jobs().Count;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{total} jobs", maxValue: total);
                sweep.Run((index, count, job, done) =>
                {
                    task.Value = index + done;
                    var o = job.Options;
                    task.Description = Markup.Escape($"job {index + 1}/{count}: {o.Variant}, test {o.TestDomain}, hparams_seed {o.HparamsSeed}, seed {o.Seed}");
                });
                task.Value = task.MaxValue;
            });
        return ReportCommand.Report(sweep.Template.OutDir);
    }
}
