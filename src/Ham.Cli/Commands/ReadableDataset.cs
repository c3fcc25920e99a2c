using System.Diagnostics;
using Ham.Data.Datasets;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// How the commands that read a dataset open it: every image is decoded once before any work
/// (<see cref="DatasetScan.Readable"/>), and the ones that fail are named and left out, so a
/// bad file is a line in the output rather than the end of a run.
/// </summary>
static class ReadableDataset
{
    /// <summary>The listed dataset without the unreadable images of <paramref name="domains"/> (default: every domain).</summary>
    public static (DomainDataset Dataset, ScanReport Report) Check(DomainDataset listing, IReadOnlyList<Domain>? domains = null)
    {
        var clock = Stopwatch.StartNew();
        (DomainDataset, ScanReport) result = default;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("checking images");
            task.MaxValue = (domains ?? listing.Domains).Sum(d => d.Images.Count);
            result = DatasetScan.Readable(listing, Environment.ProcessorCount, done => task.Value = done, domains);
            task.Value = task.MaxValue;
        });
        var report = result.Item2;
        Console.WriteLine($"checked {report.Checked} images in {clock.Elapsed.TotalSeconds:F1} s" +
            (report.Unreadable.Count == 0 ? "" : $"; skipping {report.Unreadable.Count} unreadable:"));
        foreach (var bad in report.Unreadable) Console.WriteLine($"  skipped: {bad.Message}");
        return result;
    }

    /// <summary>The summary line under a command's results, when images were skipped.</summary>
    public static void PrintSkipped(ScanReport report)
    {
        if (report.Unreadable.Count > 0) Console.WriteLine($"{report.Unreadable.Count} unreadable image(s) skipped (listed above)");
    }
}
