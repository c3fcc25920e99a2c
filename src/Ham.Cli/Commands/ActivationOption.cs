using System.CommandLine;
using Ham.Clip.Checkpoints;
using Ham.Clip.Model;

namespace Ham.Cli.Commands;

/// <summary>
/// `--activation` of the commands that load a CLIP checkpoint, and the note printed when a file
/// does not say its activation (no config.json, no Ham metadata, not OpenAI's TorchScript) and
/// OpenAI's QuickGELU is assumed: most non-OpenAI CLIPs use GELU and would silently compute
/// another function.
/// </summary>
static class ActivationOption
{
    public static Option<string?> Create() => new("--activation")
    {
        Description = "gelu or quick_gelu, for a checkpoint that does not say which (no config.json or Ham metadata); default quick_gelu, OpenAI's",
    };

    public static Activation? Parse(string? name) => name is null ? null : Activations.Parse(name, "--activation");

    /// <summary>Reads a checkpoint, printing once to stderr what was assumed when it did not say.</summary>
    public static ClipCheckpointContents Read(string path, Activation? activation)
    {
        var contents = ClipCheckpoint.Read(path, activation);
        if (contents.Source == ClipSettingsSource.Assumed) NoteAssumed(path);
        return contents;
    }

    /// <summary>The note, for commands that open a checkpoint through a backbone (<see cref="Ham.Training.Backbones.Backbone.ActivationAssumed"/>).</summary>
    public static void NoteAssumed(string path) =>
        Console.Error.WriteLine($"note: {path} does not say its activation; assuming quick_gelu (OpenAI's) and 64-wide heads; pass --activation gelu for a model trained with GELU");
}
