using System.CommandLine;

namespace Ham.Cli.Commands;

/// <summary>`ham data`: datasets in DomainBed layout (listing, checking, splitting, downloading, synthesizing).</summary>
static class DataCommand
{
    public static Command Create() => new("data", "Inspect, split, download and synthesize multi-domain image datasets in DomainBed layout (ROOT/<domain>/<class>/<image>).")
    {
        DataInfoCommand.Create(),
        DataSplitCommand.Create(),
        DataSynthCommand.Create(),
        DataDownloadCommand.Create(),
    };
}
