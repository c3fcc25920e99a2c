using System.CommandLine;
using System.Text.Json.Nodes;
using Ham.Training;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham train`: HAM, per-source or ERM training on one DomainBed split, with evaluation and a merged model.</summary>
static class TrainCommand
{
    public static Command Create()
    {
        var flags = new TrainingFlags();
        var defaults = TrainingOptions.Defaults;
        var testDomain = new Option<string>("--test-domain") { Description = "the held-out domain", Required = true };
        var output = new Option<string>("--out") { Description = "run folder", Required = true };
        var method = new Option<string>("--method") { Description = "ham, erm or per-source", DefaultValueFactory = _ => "ham" };
        var lambda = new Option<double>("--lambda") { Description = "OPA sign-loss weight", DefaultValueFactory = _ => defaults.Lambda };
        var trim = new Option<double>("--trim") { Description = "rhm trim ratio", DefaultValueFactory = _ => defaults.Trim };
        var beta = new Option<double>("--beta") { Description = "Beta(beta, beta) historical average", DefaultValueFactory = _ => defaults.Beta };
        var sae = new Option<string>("--sae") { Description = "on or off", DefaultValueFactory = _ => "on" };
        var average = new Option<string?>("--average") { Description = "deliver the historical average (on) or the final weights (off); default on for ham, off for erm and per-source" };
        var loss = new Option<string>("--loss") { Description = "ce or mms (CLIPood's margin metric softmax)", DefaultValueFactory = _ => "ce" };
        var margin = new Option<double>("--margin") { DefaultValueFactory = _ => defaults.Margin };
        var imageSize = new Option<int>("--image-size") { Description = "train and evaluate at this size (default: the model's); the position grid is resampled bicubically" };
        var seed = new Option<int>("--seed");
        var trialSeed = new Option<int>("--trial-seed");
        var batchNorm = new Option<string>("--batch-norm") { Description = "frozen (eval mode, as CLIPood) or train (batch statistics, running statistics updated)", DefaultValueFactory = _ => "frozen" };
        var resume = new Option<bool>("--resume") { Description = "continue from the run folder's checkpoint" };
        var command = new Command("train", "Train source models (HAM, per-source) or one ERM model and evaluate on the held-out domain.");
        foreach (var option in (Option[])[flags.Data, testDomain, flags.Model, output, method, .. flags.Schedule, lambda, trim, beta, sae, average, loss, margin, imageSize, seed, trialSeed, batchNorm, resume])
            command.Options.Add(option);
        command.SetAction(parse => Run(flags.Read(parse, parse.GetValue(testDomain)!, parse.GetValue(output)!) with
        {
            Method = TrainingMethodNames.Parse(parse.GetValue(method)!, "--method"),
            Lambda = parse.GetValue(lambda), Trim = parse.GetValue(trim), Beta = parse.GetValue(beta),
            Sae = OnOff(parse.GetValue(sae)!, "--sae"),
            Average = parse.GetValue(average) is { } a ? OnOff(a, "--average") : null,
            Loss = parse.GetValue(loss) switch { "ce" => LossKind.CrossEntropy, "mms" => LossKind.MarginMetricSoftmax, var l => throw new ArgumentException($"--loss must be ce or mms, got '{l}'") },
            Margin = parse.GetValue(margin), ImageSize = parse.GetValue(imageSize), Seed = parse.GetValue(seed), TrialSeed = parse.GetValue(trialSeed),
            TrainBatchNorm = parse.GetValue(batchNorm) switch { "frozen" => false, "train" => true, var b => throw new ArgumentException($"--batch-norm must be frozen or train, got '{b}'") },
            Resume = parse.GetValue(resume),
            StopAfter = Environment.GetEnvironmentVariable("HAM_STOP_AFTER") is { } stop ? int.Parse(stop) : null,
        }));
        return command;
    }

    static bool OnOff(string value, string option) => value switch
    {
        "on" => true, "off" => false, _ => throw new ArgumentException($"{option} must be on or off, got '{value}'"),
    };

    static int Run(TrainingOptions options)
    {
        JsonObject results = null!;
        using (var trainer = new LockstepTrainer(options))
        {
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{options.Method.ToString().ToLowerInvariant()} (test: {Markup.Escape(options.TestDomain)})", maxValue: options.Steps);
                    results = trainer.Run((step, status) => { task.Value = step; task.Description = $"{status} {step}/{options.Steps}"; });
                });
        }
        if (!results.ContainsKey("test_accuracy"))
        {
            Console.WriteLine($"stopped at step {results["step"]}; continue with --resume");
            return 0;
        }
        AnsiConsole.Write(ResultsTable(results));
        return 0;
    }

    public static Table ResultsTable(JsonObject results)
    {
        var table = new Table().Title(Markup.Escape($"{results["method"]}, test domain {results["test_domain"]}"))
            .AddColumn("model").AddColumn(new TableColumn("val %").RightAligned()).AddColumn(new TableColumn("test %").RightAligned());
        foreach (var (name, node) in results["variants"]!.AsObject())
            if (node is JsonObject variant)
                table.AddRow(name.Replace('_', ' '), $"{100 * variant["val"]!.GetValue<double>():F2}", $"{100 * variant["test"]!.GetValue<double>():F2}");
        return table;
    }
}
