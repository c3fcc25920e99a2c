using System.CommandLine;
using Ham.Cli.Commands;

namespace Ham.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Ham: harmonize and merge CLIP source models for domain generalization.");
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        return CommandLineErrors.Invoke(root, args);
    }
}
