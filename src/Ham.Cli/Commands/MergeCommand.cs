using System.CommandLine;
using Ham.Experiments.DataAwareMerging;
using Ham.Merging;
using Ham.Merging.Checkpoints;
using Ham.Merging.Parameters;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham merge`: merge safetensors checkpoints (files or sharded folders) that share names and shapes, by flags or a YAML config.</summary>
static class MergeCommand
{
    /// <summary>Every method `ham merge` runs: the streaming ones and those that read data.</summary>
    static readonly IReadOnlyList<MethodDeclaration> Methods = MergeMethod.Declarations.Concat(DataAwareMerges.Declarations).ToList();

    public static Command Create()
    {
        var method = new Option<string>("--method") { Description = $"one of: {string.Join(", ", Methods.Select(m => m.Name))}" };
        var baseModel = new Option<string>("--base") { Description = "the common starting model theta0 (.safetensors file, or a folder with one or with shards and model.safetensors.index.json)" };
        var models = new Option<string[]>("--models") { Description = "the models to merge (each a .safetensors file or a folder, as --base)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "output .safetensors file (a folder with --out-shard-size)" };
        var shardSize = new Option<string>("--out-shard-size") { Description = "write --out as a Hugging Face folder of shards of at most this size (20KB, 400MB, 2GB), with an index and the base's config files" };
        var dtype = new Option<string>("--dtype") { Description = "fp32, fp16 or bf16: the floating-point dtype written (default: the base's)" };
        var config = new Option<string>("--config") { Description = "a YAML file with the same fields (method, base, models, out, ...); there a parameter may be a list of {filter, value} rules per tensor and a model {model, weight}" };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "names some model lacks take the base's values" };
        var parameters = new MergeParameterFlags(Methods);
        var command = new Command("merge", "Merge checkpoints (safetensors) with one of the merging methods.")
            { method, baseModel, models, output, shardSize, dtype, config, allowMissing };
        foreach (var option in parameters.Options) command.Options.Add(option);
        command.Subcommands.Add(MergeInspectCommand.Create());
        command.SetAction(parse =>
        {
            var values = parameters.Read(parse);
            if (parse.GetValue(config) is { } path)
            {
                if (values.Count > 0) throw new ArgumentException($"{values.First().Value.Subject}: with --config, parameters are set in the config");
                return Run(MergeConfig.ReadYaml(path, Methods));
            }
            string name = parse.GetValue(method) ?? throw new ArgumentException("--method is required (or --config)");
            var options = new MergeOptions { Values = values, AllowMissing = parse.GetValue(allowMissing) };
            Declaration(name).Check(options);
            return Run(new MergeConfig(
                name,
                parse.GetValue(baseModel),
                parse.GetValue(models) is { Length: > 0 } m ? m : throw new ArgumentException("--models is required (or --config)"),
                new MergeOutput(parse.GetValue(output) ?? throw new ArgumentException("--out is required (or --config)"))
                {
                    ShardSize = parse.GetValue(shardSize) is { } size ? ByteSize.Parse(size, "--out-shard-size") : null,
                    DType = parse.GetValue(dtype) is { } d ? MergeOutput.ParseDType(d) : null,
                },
                options));
        });
        return command;
    }

    static MethodDeclaration Declaration(string name) => Methods.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown merge method '{name}'; the methods are {string.Join(", ", Methods.Select(m => m.Name))}");

    static int Run(MergeConfig merge)
    {
        var (method, models) = DataAwareMerges.Names.Contains(merge.Method)
            ? DataAwareMerges.Prepare(merge.Method, merge.Models, merge.Options, Console.WriteLine)
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
