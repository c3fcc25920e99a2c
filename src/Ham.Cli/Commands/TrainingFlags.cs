using System.CommandLine;
using Ham.Training;
using Ham.Training.Algorithms;

namespace Ham.Cli.Commands;

/// <summary>
/// The flags `ham train` and `ham sweep` share and how they fill a <see cref="TrainingOptions"/>.
/// Options default to <see cref="TrainingOptions.Defaults"/>; hyperparameters have no default
/// here: a flag left out takes the registry's value for the algorithm and backbone (`ham hparams`
/// lists them), so each default lives in one place.
/// </summary>
sealed class TrainingFlags
{
    static TrainingOptions Defaults => TrainingOptions.Defaults;

    public Option<string> Data { get; } = new("--data") { Description = "dataset folder: DIR/<domain>/<class>/<image>", Required = true };
    public Option<string> Model { get; } = new("--model") { Description = "starting checkpoint: a CLIP, or a torchvision ResNet", Required = true };
    public Option<string?> Activation { get; } = ActivationOption.Create();
    public Option<string[]> Hparams { get; } = new("--hparam")
    {
        Description = "set a hyperparameter, NAME=VALUE (repeatable; `ham hparams --method M` lists them)", AllowMultipleArgumentsPerToken = true,
    };
    public Option<int> ImageSize { get; } = new("--image-size") { Description = "train and evaluate at this size (default: the model's); a CLIP's position grid is resampled bicubically" };
    public Option<int> EvalEvery { get; } = new("--eval-every") { DefaultValueFactory = _ => Defaults.EvalEvery };
    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { DefaultValueFactory = _ => Defaults.CheckpointEvery };
    public Option<string> Device { get; } = DeviceOption.Create();
    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "fp32, or bf16 / fp16 autocast with fp32 master weights (fp16 with a gradient scaler; CPU autocast takes bf16 only)",
        DefaultValueFactory = _ => Defaults.Precision,
    };
    public Option<string> BatchNorm { get; } = new("--batch-norm")
    {
        Description = "frozen (eval mode, as CLIPood and DomainBed) or train (batch statistics, running statistics updated)", DefaultValueFactory = _ => "frozen",
    };

    /// <summary>Short forms of the most used hyperparameters: flag -> (hyperparameter, help).</summary>
    readonly (Option<string> Flag, string Name)[] shorthands =
    [
        (new Option<string>("--steps") { Description = "hyperparameter steps" }, "steps"),
        (new Option<string>("--batch") { Description = "hyperparameter batch_size: images per source per step" }, "batch_size"),
        (new Option<string>("--lr") { Description = "hyperparameter lr" }, "lr"),
        (new Option<string>("--merge") { Description = "hyperparameter merge: the merge method of per-source algorithms (any `ham merge` method)" }, "merge"),
        (new Option<string>("--lambda") { Description = "hyperparameter lambda: OPA's sign-loss weight (ham)" }, "lambda"),
        (new Option<string>("--opa") { Description = "hyperparameter opa: OPA's sign-alignment form, layer-dot (as printed), elementwise or leave-one-out (ham)" }, "opa"),
        (new Option<string>("--trim") { Description = "hyperparameter trim: the merge's trim ratio r (rhm)" }, "trim"),
        (new Option<string>("--beta") { Description = "hyperparameter beta: Beta(beta, beta) historical average" }, "beta"),
        (new Option<string>("--sae") { Description = "hyperparameter sae: on or off (ham)" }, "sae"),
        (new Option<string>("--average") { Description = "hyperparameter average: deliver the historical average (on) or the final weights (off)" }, "average"),
        (new Option<string>("--margin") { Description = "hyperparameter margin: CLIPood's margin metric softmax" }, "margin"),
    ];

    /// <summary>Every shared flag, after a command's own paths in its help.</summary>
    public IEnumerable<Option> All => [Data, Model, Activation, .. shorthands.Select(s => s.Flag), Hparams, ImageSize, EvalEvery, CheckpointEvery, Device, Precision, BatchNorm];

    /// <summary>The `--method` help: every registered algorithm.</summary>
    public static string MethodHelp => string.Join("; ", AlgorithmRegistry.All.Select(e => $"{e.Name}: {e.Summary}"));

    /// <summary>Options from these flags; the method, test domain, output folder, seeds and hyperparameter trial are the command's own.</summary>
    public TrainingOptions Read(ParseResult parse, string method, string testDomain, string outDir) => new()
    {
        DataDir = parse.GetValue(Data)!, ModelPath = parse.GetValue(Model)!, TestDomain = testDomain, OutDir = outDir, Method = method,
        Hyperparameters = HyperparameterValues(parse), ImageSize = parse.GetValue(ImageSize),
        EvalEvery = parse.GetValue(EvalEvery), CheckpointEvery = parse.GetValue(CheckpointEvery), Device = parse.GetValue(Device)!,
        Precision = parse.GetValue(Precision)!, Activation = parse.GetValue(Activation),
        TrainBatchNorm = parse.GetValue(BatchNorm) switch
        {
            "frozen" => false, "train" => true, var b => throw new ArgumentException($"--batch-norm must be frozen or train, got '{b}'"),
        },
    };

    /// <summary>--hparam NAME=VALUE pairs and the shorthand flags, by hyperparameter name; a name set twice is an error.</summary>
    public SortedDictionary<string, string> HyperparameterValues(ParseResult parse)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string value, string source)
        {
            if (!values.TryAdd(name, value)) throw new ArgumentException($"{source}: hyperparameter {name} is set twice");
        }
        foreach (var (flag, name) in shorthands)
            if (parse.GetValue(flag) is { } value) Set(name, value, flag.Name);
        foreach (string pair in parse.GetValue(Hparams) ?? [])
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--hparam takes NAME=VALUE, got '{pair}'");
            Set(pair[..eq], pair[(eq + 1)..], "--hparam");
        }
        return values;
    }
}
