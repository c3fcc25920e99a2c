using System.CommandLine;
using Ham.Experiments;
using Ham.Experiments.Reporting;
using Ham.Experiments.Studies;
using Ham.Training.Backbones;
using Ham.Torch.Serialization;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham study FILE`: a study's variants (<see cref="Study"/>: the paper's ablations, its
/// sensitivity figure) run through the sweep, then `ham report`'s tables and, for a sensitivity
/// study, accuracy against each named hyperparameter with ± SE bands (OUT/sensitivity-NAME-DATASET.svg);
/// for per-source variants the sources' sign-conflict fraction too (OUT/sign-conflicts.csv).
/// Hyperparameter flags (`--steps 500`, `--hparam lr=1e-5`) apply to every variant that has them;
/// a variant's own values win.
/// </summary>
static class StudyCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a study file (studies/*.yaml)" };
        var flags = new SweepFlags();
        var command = new Command("study", "Run a study's variants through the sweep and print its tables (and sensitivity plots).") { file };
        foreach (var option in flags.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var study = Study.Read(parse.GetValue(file)!);
            var sweep = flags.Read(parse, template => SweepVariant.WithSweepValues(study.Variants, template.Hyperparameters, Backbone.KindOf(template.ModelPath)));
            if (!flags.PrintOrRun(parse, sweep)) return 0;
            var report = SweepReport.Collect(sweep.Template.OutDir);
            int code = ReportCommand.Write(report, sweep.Template.OutDir);
            if (StudySignConflicts.Of(sweep.Jobs()) is { Count: > 0 } conflicts)
            {
                var table = new Table().Title("sign-conflict fraction of the delivered sources, mean over runs").AddColumn("variant")
                    .AddColumn(new TableColumn("fraction").RightAligned()).AddColumn(new TableColumn("runs").RightAligned());
                foreach (var row in conflicts) table.AddRow(Markup.Escape(row.Variant), $"{row.MeanFraction:F6}", $"{row.Runs}");
                AnsiConsole.Write(table);
                OutputFile.WriteAllText(Path.Combine(sweep.Template.OutDir, "sign-conflicts.csv"), StudySignConflicts.Csv(conflicts));
            }
            foreach (var (parameter, dataset, points) in StudySensitivity.Curves(study, report))
            {
                string path = Path.Combine(sweep.Template.OutDir, $"sensitivity-{parameter}-{dataset}.svg");
                OutputFile.WriteAllText(path, SensitivityPlot.Svg(parameter, points, $"{study.Name}: {dataset}, test accuracy against {parameter}"));
                Console.WriteLine($"wrote {path}");
            }
            return code;
        });
        return command;
    }
}
