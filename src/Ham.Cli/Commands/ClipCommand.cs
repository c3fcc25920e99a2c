using System.CommandLine;

namespace Ham.Cli.Commands;

/// <summary>`ham clip ...`: CLIP's tokenizer, encoders and checkpoint conversion.</summary>
static class ClipCommand
{
    public static Command Create() => new("clip", "CLIP tools: tokenizer, embeddings, checkpoint conversion.")
    {
        ClipTokenizeCommand.Create(),
        ClipEmbedCommand.Create(),
        ClipConvertCommand.Create(),
    };
}
