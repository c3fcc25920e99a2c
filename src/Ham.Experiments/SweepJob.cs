using System.Text.Json.Nodes;
using Ham.Training;

namespace Ham.Experiments;

/// <summary>
/// One run of a sweep (DomainBed's sweep.py Job): its options, its configuration
/// (<see cref="RunConfiguration"/>) and its folder, SWEEP/&lt;hash of the configuration&gt;. The
/// trainer writes the folder's done marker (the configuration itself) last, so a job is done when
/// the marker is there and holds this configuration; a folder without it is a killed run, resumed.
/// </summary>
public sealed record SweepJob(TrainingOptions Options, JsonObject Configuration)
{
    public string Hash => RunConfiguration.Hash(Configuration);

    /// <summary>Whether the folder's done marker holds this job's configuration (an unreadable marker is not done: the job is resumed and writes it again).</summary>
    public bool IsDone()
    {
        string done = new RunFolder(Options.OutDir).Done;
        if (!File.Exists(done)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(done)) is JsonObject marker && RunConfiguration.Hash(marker) == Hash;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The `ham train` line that trains this job into its folder (every option explicit, paths
    /// absolute, each word quoted for a POSIX shell when it needs it); with --resume, so a line run
    /// again continues a killed run.
    /// </summary>
    public string CommandLine()
    {
        var o = Options;
        var words = new List<string>
        {
            "ham", "train", "--data", Path.GetFullPath(o.DataDir), "--model", Path.GetFullPath(o.ModelPath), "--test-domain", o.TestDomain,
            "--method", o.Method, "--variant", o.Variant ?? o.Method, "--hparams-seed", $"{o.HparamsSeed}", "--trial-seed", $"{o.TrialSeed}", "--seed", $"{o.Seed}",
        };
        foreach (var (name, value) in o.Hyperparameters) words.AddRange(["--hparam", $"{name}={value}"]);
        words.AddRange([
            "--image-size", $"{o.ImageSize}", "--eval-every", $"{o.EvalEvery}", "--checkpoint-every", $"{o.CheckpointEvery}",
            "--batch-norm", o.TrainBatchNorm ? "train" : "frozen", "--precision", o.Precision, "--device", o.Device,
            "--resume", "--out", Path.GetFullPath(o.OutDir),
        ]);
        if (o.Activation is { } activation) words.AddRange(["--activation", activation]);
        return string.Join(" ", words.Select(ShellWord));
    }

    /// <summary>A word as a POSIX shell reads it back: bare when it holds only safe characters, else in single quotes (a quote inside as '\'').</summary>
    static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : $"'{word.Replace("'", "'\\''")}'";
}
