using System.CommandLine;
using Ham.Data.Datasets;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham data info DIR`: domains, classes, image counts, and the files that fail to decode.</summary>
static class DataInfoCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "dataset folder: DIR/<domain>/<class>/<image>" };
        var threads = new Option<int>("--threads") { Description = "decode threads for the scan", DefaultValueFactory = _ => Environment.ProcessorCount };
        var noScan = new Option<bool>("--no-scan") { Description = "list files only; do not decode every image" };
        var command = new Command("info", "Show a dataset's domains, classes and image counts, and decode every image to list unreadable files.") { dir, threads, noScan };
        command.SetAction(parse => Run(parse.GetValue(dir)!, parse.GetValue(threads), parse.GetValue(noScan)));
        return command;
    }

    static int Run(string dir, int threads, bool noScan)
    {
        if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}");
        var dataset = DomainDataset.Open(dir);
        AnsiConsole.Write(CountTable(dataset));
        ReportNamedDataset(dataset);
        if (noScan) return 0;

        int total = dataset.Domains.Sum(d => d.Images.Count);
        ScanReport report = null!;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("decoding images", maxValue: total);
            report = DatasetScan.Run(dataset, threads, done => task.Value = done);
            task.Value = total;
        });
        AnsiConsole.MarkupLineInterpolated($"decoded {report.Readable} of {report.Checked} images; [{(report.Unreadable.Count > 0 ? "red" : "green")}]{report.Unreadable.Count} unreadable[/]");
        foreach (var bad in report.Unreadable) AnsiConsole.MarkupLineInterpolated($"  [red]{bad.File}[/]: {bad.Reason}");
        return report.Unreadable.Count > 0 ? 2 : 0;
    }

    /// <summary>Rows are classes, columns domains (in DomainBed's environment order, with their indices).</summary>
    static Table CountTable(DomainDataset dataset)
    {
        var table = new Table().Title(Markup.Escape($"{dataset.Root}: {dataset.Domains.Count} domains, {dataset.Classes.Count} classes"));
        table.AddColumn("class");
        for (int i = 0; i < dataset.Domains.Count; i++) table.AddColumn(new TableColumn(Markup.Escape($"{i}: {dataset.Domains[i].Name}")).RightAligned());
        var counts = dataset.Domains.Select(d => d.Images.CountBy(img => img.Label).ToDictionary()).ToList();
        for (int c = 0; c < dataset.Classes.Count; c++)
            table.AddRow([Markup.Escape(dataset.Classes[c]), .. counts.Select(d => d.GetValueOrDefault(c).ToString())]);
        table.AddRow(["[bold]total[/]", .. dataset.Domains.Select(d => $"[bold]{d.Images.Count}[/]")]);
        return table;
    }

    static void ReportNamedDataset(DomainDataset dataset)
    {
        var named = NamedDataset.ForFolder(dataset.Root);
        if (named == null) return;
        try
        {
            named.Check(dataset);
            AnsiConsole.MarkupLineInterpolated($"[green]matches DomainBed's {named.Name}[/] (domains and class count)");
        }
        catch (InvalidDataException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {e.Message}");
        }
    }
}
