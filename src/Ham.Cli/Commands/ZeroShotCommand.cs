using System.CommandLine;
using Ham.Clip.Checkpoints;
using Ham.Clip.ZeroShot;
using Ham.Data.Datasets;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham zeroshot`: zero-shot accuracy of a CLIP model on every domain of a DomainBed-layout folder.</summary>
static class ZeroShotCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint (.safetensors, .pt, .bin or a Hugging Face folder)", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder: DIR/<domain>/<class>/<image>", Required = true };
        var domains = new Option<string[]>("--domains") { Description = "domains to evaluate (default: all)", AllowMultipleArgumentsPerToken = true };
        var templates = new Option<string>("--templates") { Description = "single, imagenet, or a file with one template per line", DefaultValueFactory = _ => "single" };
        var batch = new Option<int>("--batch") { Description = "images per forward pass", DefaultValueFactory = _ => 64 };
        var activation = ActivationOption.Create();
        var device = DeviceOption.Create();
        var command = new Command("zeroshot", "Zero-shot accuracy per domain and mean.") { model, data, domains, templates, batch, activation, device };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(domains) ?? [], parse.GetValue(templates)!, parse.GetValue(batch),
            ActivationOption.Parse(parse.GetValue(activation)), DeviceOption.Parse(parse.GetValue(device)!)));
        return command;
    }

    static int Run(string modelPath, string dataDir, string[] domainNames, string templateSpec, int batch, Ham.Clip.Model.Activation? activation, Ham.Torch.Device device)
    {
        if (batch < 1) throw new ArgumentException($"--batch must be at least 1, got {batch}");
        var templates = PromptTemplates.Parse(templateSpec);
        var listing = DomainDataset.Open(dataDir);
        var chosen = domainNames.Length == 0 ? listing.Domains : domainNames.Select(n => listing.Domains[listing.IndexOf(n)]).ToList();
        using var clip = ClipCheckpoint.Load(ActivationOption.Read(modelPath, activation), modelPath);
        clip.To(device);
        var (dataset, scan) = ReadableDataset.Check(listing, chosen);
        var domains = chosen.Select(d => dataset.Domains[dataset.IndexOf(d.Name)]).ToList();
        using var head = ZeroShotHead.Create(clip, dataset.Classes, templates);

        var accuracy = new Dictionary<string, double>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = domains.ToDictionary(d => d.Name, d => ctx.AddTask(Markup.Escape(d.Name), maxValue: d.Images.Count));
                foreach (var domain in domains)
                    accuracy[domain.Name] = DomainAccuracy.Evaluate(clip, head, domain.Images, batch, done => tasks[domain.Name].Value = done);
            });

        AnsiConsole.Write(AccuracyTable($"zero-shot, {Path.GetFileName(modelPath.TrimEnd('/'))}, {templates.Count} template(s)", domains, accuracy));
        ReadableDataset.PrintSkipped(scan);
        return 0;
    }

    /// <summary>Accuracy per domain and their mean, as `ham zeroshot` and `ham eval` print it.</summary>
    internal static Table AccuracyTable(string title, IEnumerable<Domain> domains, IReadOnlyDictionary<string, double> accuracy)
    {
        var table = new Table().Title(Markup.Escape(title))
            .AddColumn("domain").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy %").RightAligned());
        foreach (var domain in domains) table.AddRow(Markup.Escape(domain.Name), domain.Images.Count.ToString(), $"{100 * accuracy[domain.Name]:F2}");
        table.AddRow("[bold]mean[/]", "", $"[bold]{100 * accuracy.Values.Average():F2}[/]");
        return table;
    }
}
