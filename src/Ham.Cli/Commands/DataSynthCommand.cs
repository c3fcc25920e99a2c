using System.CommandLine;
using Ham.Data.Synthetic;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham data synth --out DIR`: the synthetic shapes benchmark and its pretraining corpus.</summary>
static class DataSynthCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "output folder (shapes/, corpus/, contact_sheet.png)", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "random seed; the same seed gives the same files", DefaultValueFactory = _ => 0 };
        var size = new Option<int>("--size") { Description = "image side in pixels", DefaultValueFactory = _ => 64 };
        var perClass = new Option<int>("--per-class") { Description = "images per class and domain", DefaultValueFactory = _ => 50 };
        var corpus = new Option<int>("--corpus") { Description = "captioned pretraining images", DefaultValueFactory = _ => 2000 };
        var threads = new Option<int>("--threads") { Description = "drawing threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("synth", "Draw a PACS-like benchmark of 7 shape classes in 4 domains (DomainBed layout) and a captioned pretraining corpus in 4 other styles.")
            { output, seed, size, perClass, corpus, threads };
        command.SetAction(parse => Run(parse.GetValue(output)!, new SynthOptions(parse.GetValue(seed), parse.GetValue(size), parse.GetValue(perClass), parse.GetValue(corpus)), parse.GetValue(threads)));
        return command;
    }

    static int Run(string output, SynthOptions options, int threads)
    {
        if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}");
        int total = SyntheticShapes.Domains.Count * SyntheticShapes.Classes.Count * options.PerClass + options.CorpusImages;
        SynthSummary summary = null!;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("drawing images", maxValue: total);
            summary = SyntheticShapes.Generate(output, options, threads, done => task.Value = done);
        });
        Console.WriteLine($"benchmark: {summary.BenchmarkImages} images in {summary.BenchmarkRoot} ({string.Join(", ", SyntheticShapes.Domains.Select(d => d.Name))}; {SyntheticShapes.Classes.Count} classes)");
        Console.WriteLine($"corpus: {summary.CorpusImages} captioned images in {summary.CorpusRoot}");
        Console.WriteLine($"contact sheet: {summary.ContactSheet}");
        return 0;
    }
}
