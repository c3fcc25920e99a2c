using System.CommandLine;
using Ham.Experiments;
using Ham.Experiments.Reporting;
using Ham.Torch.Serialization;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham report DIR`: the tables of every finished run's records below DIR (<see cref="SweepReport"/>),
/// printed as Markdown and written as DIR/results.md, results.csv, results.tex, and one bar chart
/// per dataset of its training-domain-validation table, results-&lt;dataset&gt;.svg.
/// </summary>
static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "a sweep folder (or any folder holding run folders)" };
        var counts = new Option<bool>("--counts") { Description = "show each cell's number of trial seeds, e.g. 51.2 ± 0.3 (3)" };
        var command = new Command("report", "Test accuracy per variant and test domain (and per dataset), mean ± standard error over trial seeds, per model-selection method.") { dir, counts };
        command.SetAction(parse => Report(parse.GetValue(dir)!, parse.GetValue(counts)));
        return command;
    }

    public static int Report(string dir, bool counts = false) => Write(SweepReport.Collect(dir), dir, counts);

    /// <summary>Prints <paramref name="report"/> and writes its files into <paramref name="dir"/>.</summary>
    public static int Write(SweepReport report, string dir, bool counts = false)
    {
        string markdown = ReportFormats.Markdown(report, counts);
        OutputFile.WriteAllText(Path.Combine(dir, "results.md"), markdown);
        OutputFile.WriteAllText(Path.Combine(dir, "results.csv"), ReportFormats.Csv(report));
        OutputFile.WriteAllText(Path.Combine(dir, "results.tex"), ReportFormats.Latex(report, counts));
        var plots = report.Tables.Where(t => t.Dataset is not null && t.Selection == report.Tables[0].Selection).ToList();
        foreach (var (dataset, _, table) in plots)
            OutputFile.WriteAllText(Path.Combine(dir, $"results-{dataset}.svg"), ResultPlot.Svg(table, $"test accuracy per held-out domain ({table.Title})"));
        Console.Write(markdown);
        if (report.Unfinished > 0) Console.WriteLine($"{report.Unfinished} unfinished run(s) left out");
        Console.WriteLine($"test accuracy %, mean ± standard error over trial seeds; written to {Path.Combine(dir, "results.md")}, results.csv, results.tex and {string.Join(", ", plots.Select(p => $"results-{p.Dataset}.svg"))}");
        return 0;
    }
}
