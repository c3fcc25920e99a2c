using System.CommandLine;
using Ham.Experiments;
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
        var flags = new SweepFlags();
        var methods = new Option<string[]>("--methods") { Description = "registered methods (ham train --help lists them)", DefaultValueFactory = _ => ["ham", "erm", "per-source"], AllowMultipleArgumentsPerToken = true };
        var command = new Command("sweep", "Train every method on every test domain with every hyperparameter trial and seed (DomainBed's sweep) and print the results tables.");
        foreach (var option in (Option[])[methods, .. flags.All])
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var sweep = flags.Read(parse, template => SweepVariant.ForMethods(parse.GetValue(methods)!, template.Hyperparameters, Backbone.KindOf(template.ModelPath)));
            return flags.PrintOrRun(parse, sweep) ? ReportCommand.Report(sweep.Template.OutDir) : 0;
        });
        return command;
    }

    /// <summary>Trains every job of <paramref name="sweep"/> not done yet, with a progress bar.</summary>
    public static void Train(ProtocolSweep sweep)
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
    }
}
