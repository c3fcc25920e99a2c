using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Ham.Data.Synthetic;
using Ham.Training;
using Ham.Training.Pretraining;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham demo`, the README's main job, end to end on built-in synthetic data: generate the
/// PACS-like benchmark and corpus, pretrain a tiny CLIP (both cached in the output folder), then
/// for one held-out domain train ERM, per-source models (merged by averaging and by TIES) and
/// full HAM, and print one table next to the zero-shot model.
/// </summary>
static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "working folder (data, tiny CLIP and runs are kept there)", DefaultValueFactory = _ => "demo" };
        var testDomain = new Option<string>("--test-domain") { DefaultValueFactory = _ => "cartoon" };
        var steps = new Option<int>("--steps") { Description = "training steps per run", DefaultValueFactory = _ => 300 };
        var lr = new Option<double>("--lr") { Description = "learning rate (the tiny CLIP needs more than CLIPood's 5e-6)", DefaultValueFactory = _ => 1e-4 };
        var command = new Command("demo", "End-to-end demo on synthetic data: zero-shot, ERM, per-source + average, per-source + TIES, HAM.") { output, testDomain, steps, lr };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(testDomain)!, parse.GetValue(steps), parse.GetValue(lr)));
        return command;
    }

    static int Run(string dir, string testDomain, int steps, double learningRate)
    {
        if (steps < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentException($"--lr must be a positive number, got {learningRate}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string data = Path.Combine(dir, "synthetic"), model = Path.Combine(dir, "tiny-clip.safetensors");
        AnsiConsole.MarkupLine("[bold]1/3[/] synthetic benchmark");
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("drawing images");
            new SyntheticBenchmark(Size: 32, PerClass: 40).Generate(data, (done, total) => { task.MaxValue = total; task.Value = done; });
            task.Value = task.MaxValue;
        });
        AnsiConsole.MarkupLine("[bold]2/3[/] tiny CLIP");
        PretrainCommand.Run(data, model, new PretrainingOptions());

        AnsiConsole.MarkupLine($"[bold]3/3[/] training, test domain {Markup.Escape(testDomain)}");
        var runs = new (string Label, string Method, string? Merge)[]
        {
            ("ERM", "erm", null),
            ("per-source + average", "per-source", "average"),
            ("per-source + TIES", "per-source", "ties"),
            ("HAM (SAE + OPA + RHM)", "ham", "rhm"),
        };
        var results = new List<(string Label, JsonObject Results)>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = runs.Select(r => ctx.AddTask(r.Label, maxValue: steps)).ToArray();
                for (int i = 0; i < runs.Length; i++)
                {
                    var hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["steps"] = steps.ToString(CultureInfo.InvariantCulture), ["lr"] = learningRate.ToString("R", CultureInfo.InvariantCulture),
                    };
                    if (runs[i].Merge is { } merge) hyperparameters["merge"] = merge;
                    var options = new TrainingOptions
                    {
                        DataDir = SyntheticBenchmark.BenchmarkFolder(data), TestDomain = testDomain, ModelPath = model,
                        OutDir = Path.Combine(dir, "runs", runs[i].Label.Split(' ')[0].ToLowerInvariant() + (runs[i].Merge == "ties" ? "-ties" : "")),
                        Method = runs[i].Method, EvalEvery = steps, CheckpointEvery = steps, Hyperparameters = hyperparameters,
                        Overwrite = true,   // the demo owns its runs folder: a second demo replaces the first one's runs
                    };
                    using var trainer = new Trainer(options);
                    var task = tasks[i];
                    results.Add((runs[i].Label, trainer.Run((step, _) => task.Value = step)));
                }
            });

        var table = new Table().Title(Markup.Escape($"synthetic benchmark, test domain {testDomain}, {steps} steps, tiny CLIP (accuracy %)"))
            .AddColumn("method").AddColumn(new TableColumn("val (sources' 20%)").RightAligned()).AddColumn(new TableColumn($"test ({testDomain})").RightAligned());
        var zeroShot = results[0].Results["variants"]!["zero_shot"]!;
        table.AddRow("zero-shot", Percent(zeroShot["val"]), Percent(zeroShot["test"]));
        foreach (var (label, result) in results) table.AddRow(Markup.Escape(label), Percent(result["val_accuracy"]), Percent(result["test_accuracy"]));
        AnsiConsole.Write(table);
        Console.WriteLine($"runs in {Path.Combine(dir, "runs")}; {clock.Elapsed.TotalMinutes:F1} min");
        return 0;
    }

    static string Percent(JsonNode? value) => $"{100 * value!.GetValue<double>():F1}";
}
