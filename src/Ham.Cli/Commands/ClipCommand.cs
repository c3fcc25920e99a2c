using System.CommandLine;

namespace Ham.Cli.Commands;

/// <summary>`ham clip ...`: CLIP's tokenizer and encoders.</summary>
static class ClipCommand
{
    public static Command Create() => new("clip", "CLIP tools: tokenizer and embeddings.")
    {
        ClipTokenizeCommand.Create(),
        ClipEmbedCommand.Create(),
    };
}
