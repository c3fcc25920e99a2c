using System.CommandLine;
using System.Globalization;
using Ham.Cli.Commands;

namespace Ham.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // Numbers in options, logs and JSON are read and written the same way whatever the locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var root = new RootCommand("Ham: harmonize and merge CLIP source models for domain generalization.");
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ClipCommand.Create());
        root.Subcommands.Add(ZeroShotCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(LaunchCommand.Create());
        root.Subcommands.Add(HparamsCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(TsneCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        return CommandLineErrors.Invoke(root, args);
    }
}
