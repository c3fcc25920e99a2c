using System.CommandLine;
using Ham.Data.Download;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham data download NAME --root DIR`: one of DomainBed's datasets from DomainBed's sources.</summary>
static class DataDownloadCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = $"dataset: {string.Join(", ", DatasetSource.DomainBed.Select(s => s.Name))}" };
        var root = new Option<string>("--root") { Description = "data root; the dataset lands in ROOT/<its folder>", Required = true };
        var command = new Command("download", "Download and unpack a DomainBed dataset (resumes partial downloads).") { name, root };
        command.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(root)!));
        return command;
    }

    static int Run(string name, string root)
    {
        var source = DatasetSource.Get(name);
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) }) { Timeout = Timeout.InfiniteTimeSpan };
        string target = null!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn()).Start(ctx =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            target = DatasetDownloader.Run(source, root, client, line => AnsiConsole.WriteLine(line), (file, done, total) =>
            {
                if (!tasks.TryGetValue(file, out var task)) tasks[file] = task = ctx.AddTask(file, maxValue: total ?? 1);
                if (total is long t) task.MaxValue = t;
                task.Value = done;
            });
        });
        Console.WriteLine($"{source.Name} is in {target}");
        return 0;
    }
}
