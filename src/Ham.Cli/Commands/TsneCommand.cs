using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Data.Datasets;
using Ham.Experiments.DataAwareMerging;
using Ham.Experiments.Tsne;
using Ham.Training.Backbones;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Training;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham tsne`: the features of a seeded sample of each domain under one or more models (e.g. the
/// zero-shot CLIP and a HAM merge), each embedded in 2-D by exact t-SNE, plotted by class and by
/// domain side by side (the HAM paper's Figure 4), with the embedding and the features as CSV.
/// </summary>
static class TsneCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "dataset folder: DIR/<domain>/<class>/<image>" };
        var models = new Option<string[]>("--model") { Description = "one or more checkpoints (a CLIP or a torchvision ResNet); one t-SNE and one row of plots each", AllowMultipleArgumentsPerToken = true };
        var features = new Option<string>("--features") { Description = "instead of --data and --model: a features.csv that `ham tsne` wrote (model,domain,class,path,f0,...)" };
        var domains = new Option<string[]>("--domains") { Description = "domains to sample (default: all)", AllowMultipleArgumentsPerToken = true };
        var samples = new Option<int>("--samples") { Description = "images per domain, a seeded random subset (all when fewer)", DefaultValueFactory = _ => 500 };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity (below the number of points)", DefaultValueFactory = _ => 30 };
        var iterations = new Option<int>("--iterations") { Description = "gradient iterations, the first 250 with early exaggeration", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "seed of the image sample and of a random start", DefaultValueFactory = _ => 0 };
        var init = new Option<string>("--init") { Description = "pca or random: where the points start", DefaultValueFactory = _ => "pca" };
        var output = new Option<string>("--out") { Description = "output folder: tsne.svg, tsne.png, embedding.csv, features.csv, tsne.json", Required = true };
        var device = DeviceOption.Create("cpu, cuda or cuda:N (for the features; t-SNE runs on the CPU)");
        var activation = ActivationOption.Create();
        var command = new Command("tsne", "Exact t-SNE of models' features, coloured by class and by domain (SVG, PNG, CSV).")
            { data, models, features, domains, samples, perplexity, iterations, seed, init, output, device, activation };
        command.SetAction(parse => Run(parse.GetValue(data), parse.GetValue(models) ?? [], parse.GetValue(features), parse.GetValue(domains) ?? [],
            parse.GetValue(samples), parse.GetValue(seed), new TsneOptions(parse.GetValue(perplexity), parse.GetValue(iterations), ParseInit(parse.GetValue(init)!)),
            parse.GetValue(output)!, parse.GetValue(device)!, ActivationOption.Parse(parse.GetValue(activation))));
        return command;
    }

    static TsneInit ParseInit(string name) => name switch
    {
        "pca" => TsneInit.Pca,
        "random" => TsneInit.Random,
        _ => throw new ArgumentException($"--init: expected pca or random, got '{name}'"),
    };

    static int Run(string? data, string[] models, string? featuresFile, string[] domainNames, int samples, int seed, TsneOptions options, string outDir, string deviceName,
        Ham.Clip.Model.Activation? activation)
    {
        if (seed < 0) throw new ArgumentException($"--seed: expected a non-negative number, got {seed}");
        options = options with { Seed = (ulong)seed };
        if ((featuresFile is null) == (data is null || models.Length == 0))
            throw new ArgumentException("give either --data and --model (features computed here) or --features FILE.csv");
        if (featuresFile is not null && (data is not null || models.Length > 0 || domainNames.Length > 0 || activation is not null))
            throw new ArgumentException("--features replaces --data, --model, --domains and --activation: give one or the other");
        if (File.Exists(outDir)) throw new ArgumentException($"--out: {outDir} is a file; expected a folder");
        var device = DeviceOption.Parse(deviceName);   // before anything is written
        Directory.CreateDirectory(outDir);
        var sets = featuresFile is not null ? FeatureCsv.Read(featuresFile) : ComputeFeatures(data!, models, domainNames, samples, (ulong)options.Seed, device, activation, outDir);

        var rows = new List<(FeatureSet, TsneResult)>();
        var seconds = new List<double>();
        foreach (var set in sets)
        {
            Console.WriteLine($"{set.Model}: t-SNE of {set.Points.Count} points x {set.Dimension} features, perplexity {options.Perplexity}, {options.Iterations} iterations");
            var clock = Stopwatch.StartNew();
            using var tensor = set.ToTensor();
            var result = TsneOptimizer.Fit(tensor, options, (iteration, kl) =>
                Console.WriteLine($"  iteration {iteration}: KL {kl:F4}{(iteration <= TsneOptimizer.ExaggerationIterations ? " (exaggerated P)" : "")}"));
            rows.Add((set, result));
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        var figure = new TsneFigure(rows, $"t-SNE, perplexity {options.Perplexity}, {options.Init.ToString().ToLowerInvariant()} start, seed {options.Seed}");
        OutputFile.WriteAllText(Path.Combine(outDir, "tsne.svg"), TsneSvg.Render(figure));
        OutputFile.WriteAllBytes(Path.Combine(outDir, "tsne.png"), TsnePng.Render(figure));
        EmbeddingCsv.Write(Path.Combine(outDir, "embedding.csv"), rows);
        AtomicText.WriteJson(Path.Combine(outDir, "tsne.json"), Summary(rows, seconds, options, featuresFile));

        var table = new Table().AddColumns("model", "points", "KL", "iterations", "learning rate", "seconds");
        for (int i = 0; i < rows.Count; i++)
        {
            var (set, result) = rows[i];
            table.AddRow(Markup.Escape(set.Model), set.Points.Count.ToString(), $"{result.KlDivergence:F4}", result.Iterations.ToString(), $"{result.LearningRate:G4}", $"{seconds[i]:F1}");
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"wrote tsne.svg, tsne.png, embedding.csv{(featuresFile is null ? ", features.csv" : "")} and tsne.json to {outDir}");
        return 0;
    }

    static IReadOnlyList<FeatureSet> ComputeFeatures(string data, string[] models, string[] domainNames, int samples, ulong seed, Device device,
        Ham.Clip.Model.Activation? activation, string outDir)
    {
        var listing = DomainDataset.Open(data);
        var chosen = domainNames.Length == 0 ? listing.Domains : domainNames.Select(n => listing.Domains[listing.IndexOf(n)]).ToList();
        var (dataset, scan) = ReadableDataset.Check(listing, chosen);
        var sample = chosen.Select(d => (d.Name, new DomainSample(dataset, d.Name, samples, seed))).ToList();
        var sets = new List<FeatureSet>();
        foreach (var model in models)
        {
            Console.WriteLine($"{model}: features of {sample.Sum(s => s.Item2.Images.Count)} images ({string.Join(", ", sample.Select(s => $"{s.Item2.Images.Count} {s.Name}"))})");
            using var backbone = Backbone.Open(model, dataset.Classes, new BackboneOptions(Activation: activation));
            if (backbone.ActivationAssumed) ActivationOption.NoteAssumed(model);
            sets.Add(ModelFeatures.Of(backbone, model, dataset, sample, device));
        }
        ReadableDataset.PrintSkipped(scan);
        FeatureCsv.Write(Path.Combine(outDir, "features.csv"), sets);
        return sets;
    }

    static JsonObject Summary(IReadOnlyList<(FeatureSet Features, TsneResult Embedding)> rows, IReadOnlyList<double> seconds, TsneOptions options, string? featuresFile)
    {
        var models = new JsonArray();
        for (int i = 0; i < rows.Count; i++)
        {
            var (set, result) = rows[i];
            models.Add(new JsonObject
            {
                ["model"] = set.Model, ["points"] = set.Points.Count, ["features"] = set.Dimension, ["kl_divergence"] = result.KlDivergence,
                ["iterations"] = result.Iterations, ["learning_rate"] = result.LearningRate, ["seconds"] = seconds[i],
            });
        }
        return new JsonObject
        {
            ["method"] = "exact", ["perplexity"] = options.Perplexity, ["iterations"] = options.Iterations, ["init"] = options.Init.ToString().ToLowerInvariant(),
            ["seed"] = (long)options.Seed, ["early_exaggeration"] = TsneOptimizer.EarlyExaggeration, ["features_file"] = featuresFile, ["models"] = models,
        };
    }
}
