using System.CommandLine;
using Ham.Data.Images;
using Ham.Data.Synthetic;
using Ham.Training.Pretraining;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham pretrain`: a tiny CLIP trained contrastively on a captioned corpus (e.g. `ham data synth`'s).</summary>
static class PretrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "a `ham data synth` folder, or a captions.tsv (image<TAB>caption per line)", Required = true };
        var output = new Option<string>("--out") { Description = "output .safetensors (OpenAI names)", Required = true };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => new PretrainingOptions().Steps };
        var seed = new Option<int>("--seed");
        var patch = new Option<int>("--patch") { DefaultValueFactory = _ => new PretrainingOptions().Patch };
        var vision = new Option<string>("--vision") { Description = "resnet (a ModifiedResNet, one block per stage) or vit", DefaultValueFactory = _ => new PretrainingOptions().Vision };
        var device = DeviceOption.Create();
        var command = new Command("pretrain", "Pretrain a tiny CLIP on a captioned corpus (reused when already made from the same data and options).") { data, output, steps, seed, patch, vision, device };
        command.SetAction(parse =>
        {
            var options = new PretrainingOptions { Steps = parse.GetValue(steps), Seed = parse.GetValue(seed), Patch = parse.GetValue(patch), Vision = parse.GetValue(vision)! };
            if (options.Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {options.Steps}");
            if (options.Vision is not ("resnet" or "vit")) throw new ArgumentException($"--vision must be resnet or vit, got '{options.Vision}'");
            if (options.Patch < 1 || options.Resolution % options.Patch != 0)
                throw new ArgumentException($"--patch must divide the {options.Resolution}-px images, got {options.Patch}");
            Run(parse.GetValue(data)!, parse.GetValue(output)!, options, DeviceOption.Parse(parse.GetValue(device)!));
            return 0;
        });
        return command;
    }

    public static void Run(string data, string output, PretrainingOptions options, Ham.Torch.Device? device = null)
    {
        string captions = Directory.Exists(data) ? SyntheticBenchmark.CorpusCaptions(data) : data;
        if (!File.Exists(captions)) throw new FileNotFoundException($"no captions at {captions}; run `ham data synth --out DIR` first", captions);
        bool trained = false;
        var skipped = new List<ImageFileException>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("pretraining tiny CLIP", maxValue: options.Steps);
                trained = ContrastivePretraining.Run(captions, output, options, (step, loss) =>
                {
                    task.Value = step;
                    task.Description = $"pretraining tiny CLIP, loss {loss:F3}";
                }, skipped.Add, device);
                task.Value = options.Steps;
            });
        foreach (var bad in skipped) Console.WriteLine($"  skipped: {bad.Message}");
        Console.WriteLine((trained ? $"wrote {output}" : $"{output} is already this model (reused)") +
            (skipped.Count > 0 ? $"; {skipped.Count} unreadable image(s) skipped (listed above)" : ""));
    }
}
