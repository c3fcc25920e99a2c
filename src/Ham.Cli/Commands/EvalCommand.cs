using System.CommandLine;
using Ham.Data.Datasets;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Experiments;
using Ham.Torch;
using Ham.Training.Backbones;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham eval`: accuracy per domain of a trained or merged model of any backbone, with the head
/// training uses (CLIP: "a photo of a {}." text embeddings; ResNet: its linear head), so a run's
/// model.safetensors is scored as training scored it. With --run it scores the model on that
/// run's own split and appends a record to the run's results.jsonl (<see cref="PostHocEvaluation"/>).
/// </summary>
static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint, e.g. a run's model.safetensors (a CLIP or a torchvision ResNet)", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder: DIR/<domain>/<class>/<image> (not with --run)" };
        var run = new Option<string>("--run") { Description = "a finished run folder: score on its split (sources' out-splits, test in and out) and append a record to its results.jsonl" };
        var label = new Option<string>("--label") { Description = "with --run: the record's variant label, its row in `ham report` (default: the model's file name)" };
        var domains = new Option<string[]>("--domains") { Description = "domains to evaluate (default: all)", AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "images per forward pass", DefaultValueFactory = _ => 64 };
        var device = DeviceOption.Create();
        var activation = ActivationOption.Create();
        var command = new Command("eval", "Accuracy of a model per domain and mean, or on a run's split as a record of that run.") { model, data, run, label, domains, batch, device, activation };
        command.SetAction(parse =>
        {
            if (parse.GetValue(run) is { } runDir)
            {
                if (parse.GetValue(data) is not null || parse.GetValue(domains) is { Length: > 0 } || parse.GetValue(activation) is not null)
                    throw new ArgumentException("--run scores on the run's own dataset, split and model settings: leave out --data, --domains and --activation");
                return RunRecord(runDir, parse.GetValue(model)!, parse.GetValue(label), parse.GetValue(device)!);
            }
            if (parse.GetValue(label) is not null) throw new ArgumentException("--label names a record of --run: give --run too");
            return Run(parse.GetValue(model)!, parse.GetValue(data) ?? throw new ArgumentException("give --data (a dataset folder) or --run (a run folder)"),
                parse.GetValue(domains) ?? [], parse.GetValue(batch), parse.GetValue(device)!, ActivationOption.Parse(parse.GetValue(activation)));
        });
        return command;
    }

    static int RunRecord(string runDir, string modelPath, string? label, string deviceName)
    {
        label ??= Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(modelPath));
        var record = PostHocEvaluation.Append(runDir, modelPath, label, DeviceOption.Parse(deviceName));
        var table = new Table().Title(Markup.Escape($"{label} on {runDir}'s split (test domain {record["test_domain"]})"))
            .AddColumn("domain").AddColumn(new TableColumn("in %").RightAligned()).AddColumn(new TableColumn("out %").RightAligned());
        foreach (var (domain, node) in record["accuracy"]!.AsObject())
            table.AddRow(Markup.Escape(domain), node!["in"] is { } i ? $"{100 * i.GetValue<double>():F2}" : "", $"{100 * node["out"]!.GetValue<double>():F2}");
        AnsiConsole.Write(table);
        Console.WriteLine($"appended to {Path.Combine(runDir, "results.jsonl")}; `ham report` shows it as the row '{label}'");
        return 0;
    }

    static int Run(string modelPath, string dataDir, string[] domainNames, int batch, string deviceName, Ham.Clip.Model.Activation? activation)
    {
        if (batch < 1) throw new ArgumentException($"--batch must be at least 1, got {batch}");
        var device = DeviceOption.Parse(deviceName);
        var listing = DomainDataset.Open(dataDir);
        var chosen = domainNames.Length == 0 ? listing.Domains : domainNames.Select(n => listing.Domains[listing.IndexOf(n)]).ToList();
        // the model first: a bad checkpoint fails before the images are decoded
        using var backbone = Backbone.Open(modelPath, listing.Classes, new BackboneOptions(Activation: activation));
        if (backbone.ActivationAssumed) ActivationOption.NoteAssumed(modelPath);
        var (dataset, scan) = ReadableDataset.Check(listing, chosen);
        var domains = chosen.Select(d => dataset.Domains[dataset.IndexOf(d.Name)]).ToList();
        if (backbone is ResNetBackbone { HeadIsNew: true })
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(modelPath)} has no head for these {dataset.Classes.Count} classes: scoring a head initialised from seed 0[/]");
        using var classifier = backbone.CreateModel(trainBatchNorm: false);
        classifier.To(device);
        var transform = new EvalTransform(backbone.Resolution, backbone.Mean, backbone.Std);
        var accuracy = new Dictionary<string, double>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = domains.ToDictionary(d => d.Name, d => ctx.AddTask(Markup.Escape(d.Name), maxValue: d.Images.Count));
                foreach (var domain in domains)
                    accuracy[domain.Name] = ImageAccuracy.Evaluate(x => classifier.Logits(classifier.Features(x.To(device))), transform, domain.Images, batch,
                        done => tasks[domain.Name].Value = done);
            });
        AnsiConsole.Write(ZeroShotCommand.AccuracyTable($"{backbone.Kind}, {Path.GetFileName(modelPath.TrimEnd('/'))}", domains, accuracy));
        ReadableDataset.PrintSkipped(scan);
        return 0;
    }
}
