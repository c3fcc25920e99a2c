using System.CommandLine;
using Ham.Experiments;
using Ham.Torch.Serialization;

namespace Ham.Cli.Commands;

/// <summary>`ham report DIR`: the results table of every finished run below DIR, printed and written as DIR/results.md, results.csv and results.svg (bars).</summary>
static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "a sweep folder (or any folder holding run folders)" };
        var command = new Command("report", "Test accuracy per method and test domain, mean ± standard error over seeds, as a table.") { dir };
        command.SetAction(parse => Report(parse.GetValue(dir)!));
        return command;
    }

    public static int Report(string dir)
    {
        var table = ResultTable.Collect(dir);
        string markdown = table.Markdown();
        OutputFile.WriteAllText(Path.Combine(dir, "results.md"), markdown);
        OutputFile.WriteAllText(Path.Combine(dir, "results.csv"), table.Csv());
        OutputFile.WriteAllText(Path.Combine(dir, "results.svg"), ResultPlot.Svg(table, $"test accuracy per held-out domain ({Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)))})"));
        Console.Write(markdown);
        Console.WriteLine($"test accuracy %, mean ± standard error over seeds; written to {Path.Combine(dir, "results.md")}, results.csv and results.svg");
        return 0;
    }
}
