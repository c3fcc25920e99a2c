using System.CommandLine;
using Ham.Data.Synthetic;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham data synth`: the synthetic PACS-like benchmark and its captioned pretraining corpus.</summary>
static class DataSynthCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "output folder", Required = true };
        var seed = new Option<int>("--seed") { Description = "same seed, same bytes" };
        var size = new Option<int>("--size") { Description = "image side in pixels", DefaultValueFactory = _ => 64 };
        var perClass = new Option<int>("--per-class") { Description = "images per domain and class", DefaultValueFactory = _ => 40 };
        var corpusPerClass = new Option<int>("--corpus-per-class") { Description = "captioned corpus images per style and class", DefaultValueFactory = _ => 24 };
        var command = new Command("synth", "Generate a PACS-like synthetic benchmark (4 styles x 7 shapes) and a captioned pretraining corpus.")
            { output, seed, size, perClass, corpusPerClass };
        command.SetAction(parse =>
        {
            var benchmark = new SyntheticBenchmark(parse.GetValue(seed), parse.GetValue(size), parse.GetValue(perClass), parse.GetValue(corpusPerClass));
            string dir = parse.GetValue(output)!;
            bool generated = false;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("drawing images");
                generated = benchmark.Generate(dir, (done, total) => { task.MaxValue = total; task.Value = done; });
                task.Value = task.MaxValue;
            });
            Console.WriteLine(generated ? $"wrote {SyntheticBenchmark.BenchmarkFolder(dir)}, {SyntheticBenchmark.CorpusCaptions(dir)} and {Path.Combine(dir, "contact-sheet.png")}"
                : $"{dir} already holds this benchmark");
            return 0;
        });
        return command;
    }
}
