using System.CommandLine;
using Ham.Training;

namespace Ham.Cli.Commands;

/// <summary>
/// The flags `ham train` and `ham sweep` share, defaulting to <see cref="TrainingOptions.Defaults"/>
/// so a default lives in one place, and how they fill a <see cref="TrainingOptions"/>.
/// </summary>
sealed class TrainingFlags
{
    static TrainingOptions Defaults => TrainingOptions.Defaults;

    public Option<string> Data { get; } = new("--data") { Description = "dataset folder: DIR/<domain>/<class>/<image>", Required = true };
    public Option<string> Model { get; } = new("--model") { Description = "starting CLIP checkpoint", Required = true };
    public Option<int> Steps { get; } = new("--steps") { DefaultValueFactory = _ => Defaults.Steps };
    public Option<int> Batch { get; } = new("--batch") { Description = "images per source per step", DefaultValueFactory = _ => Defaults.Batch };
    public Option<double> LearningRate { get; } = new("--lr") { DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<string> Merge { get; } = new("--merge") { Description = "merge method of ham and per-source", DefaultValueFactory = _ => Defaults.Merge };
    public Option<int> EvalEvery { get; } = new("--eval-every") { DefaultValueFactory = _ => Defaults.EvalEvery };
    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { DefaultValueFactory = _ => Defaults.CheckpointEvery };

    /// <summary>The schedule and merge flags, after a command's paths in its help.</summary>
    public IEnumerable<Option> Schedule => [Steps, Batch, LearningRate, Merge, EvalEvery, CheckpointEvery];

    /// <summary>Options from these flags; the test domain and output folder are the command's own.</summary>
    public TrainingOptions Read(ParseResult parse, string testDomain, string outDir) => new()
    {
        DataDir = parse.GetValue(Data)!, ModelPath = parse.GetValue(Model)!, TestDomain = testDomain, OutDir = outDir,
        Steps = parse.GetValue(Steps), Batch = parse.GetValue(Batch), LearningRate = parse.GetValue(LearningRate), Merge = parse.GetValue(Merge)!,
        EvalEvery = parse.GetValue(EvalEvery), CheckpointEvery = parse.GetValue(CheckpointEvery),
    };
}
