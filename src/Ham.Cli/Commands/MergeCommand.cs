using System.CommandLine;
using Ham.Experiments.DataAwareMerging;
using Ham.Merging;
using Ham.Merging.Checkpoints;
using Ham.Torch;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham merge`: merge safetensors checkpoints (files or sharded folders) that share names and shapes, by flags or a YAML config.</summary>
static class MergeCommand
{
    public static Command Create()
    {
        var method = new Option<string>("--method") { Description = $"one of: {string.Join(", ", MergeMethod.Names.Concat(DataAwareMerges.Names))}" };
        var baseModel = new Option<string>("--base") { Description = "the common starting model theta0 (.safetensors file, or a folder with one or with shards and model.safetensors.index.json)" };
        var models = new Option<string[]>("--models") { Description = "the models to merge (each a .safetensors file or a folder, as --base)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "output .safetensors file (a folder with --out-shard-size)" };
        var shardSize = new Option<string>("--out-shard-size") { Description = "write --out as a Hugging Face folder of shards of at most this size (20KB, 400MB, 2GB), with an index and the base's config files" };
        var dtype = new Option<string>("--dtype") { Description = "fp32, fp16 or bf16: the floating-point dtype written (default: the base's)" };
        var config = new Option<string>("--config") { Description = "a YAML file with the same fields (method, base, models, out, ...); there a parameter may be a list of {filter, value} rules per tensor and a model {model, weight}" };
        var trim = new Option<double?>("--trim") { Description = "rhm: fraction of update entries dropped by magnitude (0.2)" };
        var density = new Option<double?>("--density") { Description = "ties (0.2), breadcrumbs (0.1), della (0.7): fraction of update entries kept" };
        var lambda = new Option<double?>("--lambda") { Description = "task-arithmetic (1/N), ties, breadcrumbs, della (1): update scale" };
        var drop = new Option<double?>("--drop") { Description = "dare-*: drop probability (0.9)" };
        var alpha = new Option<double?>("--alpha") { Description = "wise-ft (0.5), score/tsv/iso-c (1), regmean: scale of the Grams' off-diagonals (0.9)" };
        var beta = new Option<double?>("--beta") { Description = "trajectory: Beta(beta, beta) weights (0.5)" };
        var t = new Option<double?>("--t") { Description = "slerp: position between the two models, 0 to 1 (0.5)" };
        var gamma = new Option<double?>("--gamma") { Description = "breadcrumbs: fraction of the largest update magnitudes dropped per tensor (0.01)" };
        var epsilon = new Option<double?>("--epsilon") { Description = "della: keep probabilities span density +- epsilon by magnitude rank (0.1)" };
        var trimScope = new Option<string>("--trim-scope") { Description = "model or tensor", DefaultValueFactory = _ => "model" };
        var seed = new Option<long>("--seed") { Description = "dare-*, della: seed of the drops" };
        var weights = new Option<double[]>("--weights") { Description = "average, task-arithmetic, breadcrumbs: per-model weights", AllowMultipleArgumentsPerToken = true };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "names some model lacks take the base's values" };
        var data = new Option<string>("--data") { Description = "regmean, fisher, greedy-soup: the dataset folder (DIR/<domain>/<class>/<image>)" };
        var domains = new Option<string[]>("--domains") { Description = "regmean, fisher: each model's own domain of --data, in the order of --models", AllowMultipleArgumentsPerToken = true };
        var testDomain = new Option<string>("--test-domain") { Description = "greedy-soup: the held-out domain; validation is the other domains' DomainBed out-splits" };
        var trialSeed = new Option<int>("--trial-seed") { Description = "greedy-soup: DomainBed trial seed of the split (0)" };
        var samples = new Option<int>("--samples") { Description = $"regmean, fisher: images per model, a seeded sample of its domain ({DataAwareMerges.DefaultSamples})", DefaultValueFactory = _ => DataAwareMerges.DefaultSamples };
        var device = new Option<string>("--device") { Description = "regmean, fisher, greedy-soup: cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var command = new Command("merge", "Merge checkpoints (safetensors) with one of the merging methods.")
            { method, baseModel, models, output, shardSize, dtype, config, trim, density, lambda, drop, alpha, beta, t, gamma, epsilon, trimScope, seed, weights, allowMissing,
              data, domains, testDomain, trialSeed, samples, device };
        command.Subcommands.Add(MergeInspectCommand.Create());
        command.SetAction(parse =>
        {
            var merge = parse.GetValue(config) is { } path
                ? MergeConfig.ReadYaml(path)
                : new MergeConfig(
                    parse.GetValue(method) ?? throw new ArgumentException("--method is required (or --config)"),
                    parse.GetValue(baseModel),
                    parse.GetValue(models) is { Length: > 0 } m ? m : throw new ArgumentException("--models is required (or --config)"),
                    new MergeOutput(parse.GetValue(output) ?? throw new ArgumentException("--out is required (or --config)"))
                    {
                        ShardSize = parse.GetValue(shardSize) is { } size ? ByteSize.Parse(size, "--out-shard-size") : null,
                        DType = parse.GetValue(dtype) is { } d ? MergeOutput.ParseDType(d) : null,
                    },
                    new MergeOptions
                    {
                        Trim = parse.GetValue(trim), Density = parse.GetValue(density), Lambda = parse.GetValue(lambda),
                        Drop = parse.GetValue(drop), Alpha = parse.GetValue(alpha), Beta = parse.GetValue(beta),
                        T = parse.GetValue(t), Gamma = parse.GetValue(gamma), Epsilon = parse.GetValue(epsilon),
                        TrimScope = MergeConfig.ParseTrimScope(parse.GetValue(trimScope)!), Seed = parse.GetValue(seed),
                        Weights = parse.GetValue(weights) is { Length: > 0 } w ? w : null, AllowMissing = parse.GetValue(allowMissing),
                    });
            var images = parse.GetValue(data) is { } root
                ? new MergeData(root, parse.GetValue(domains), parse.GetValue(testDomain), parse.GetValue(samples), parse.GetValue(trialSeed),
                    Devices.Require(Device.Parse(parse.GetValue(device)!)))
                : null;
            return Run(merge, images);
        });
        return command;
    }

    static int Run(MergeConfig merge, MergeData? images)
    {
        var (method, models) = DataAwareMerges.Names.Contains(merge.Method)
            ? DataAwareMerges.Prepare(merge.Method, merge.Models, merge.Options,
                images ?? throw new ArgumentException($"{merge.Method}: --data is required (the images its statistics are computed on)"), Console.WriteLine)
            : (MergeMethod.Create(merge.Method, merge.Options), merge.Models);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{method.Name}: {models.Count} models");
                ModelMerger.Merge(method, merge.Base, models, merge.Output, merge.Options.AllowMissing,
                    (done, total) => { task.MaxValue = total; task.Value = done; });
            });
        Console.WriteLine($"wrote {merge.Output.Path} ({method.Name}, {models.Count} models, {clock.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }
}
