using System.CommandLine;

namespace Ham.Cli.Commands;

/// <summary>`ham data`: datasets in DomainBed layout (listing, checking, splitting).</summary>
static class DataCommand
{
    public static Command Create() => new("data", "Inspect and split multi-domain image datasets in DomainBed layout (ROOT/<domain>/<class>/<image>).")
    {
        DataInfoCommand.Create(),
        DataSplitCommand.Create(),
        DataSynthCommand.Create(),
    };
}
