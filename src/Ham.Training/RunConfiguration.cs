using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ham.Training.Hyperparameters;

namespace Ham.Training;

/// <summary>
/// Everything that decides what a run trains and how it is scored, as one JSON object: the first
/// fields of every results.jsonl record, the content of the run's done marker, and (hashed) the
/// name of a sweep job's folder, so that a run of another configuration never stands in for it.
/// Left out: the output folder, how often checkpoints are saved and resume/stop flags (a resumed
/// run is bit for bit an uninterrupted one). The starting checkpoint is known by its full path and
/// size in bytes (hashing a 600 MB file per job would cost more than it guards); the dataset by its
/// folder's name.
/// </summary>
public static class RunConfiguration
{
    /// <summary>The configuration of a run with these options and these resolved hyperparameters; a new object the caller owns.</summary>
    public static JsonObject Of(TrainingOptions options, HyperparameterValues resolved)
    {
        // The variant's fixed values in their resolved (typed) form: "1e-3" and "0.001" are one configuration.
        var all = resolved.ToJson();
        var fixedValues = new JsonObject();
        foreach (string name in options.Hyperparameters.Keys.Order(StringComparer.Ordinal)) fixedValues[name] = all[name]!.DeepClone();
        string checkpoint = Path.GetFullPath(options.ModelPath);
        return new JsonObject
        {
            ["variant"] = options.Variant ?? options.Method,
            ["algorithm"] = options.Method,
            ["dataset"] = DatasetName(options.DataDir),
            ["test_domain"] = options.TestDomain,
            ["hparams_seed"] = options.HparamsSeed,
            ["trial_seed"] = options.TrialSeed,
            ["seed"] = options.Seed,
            ["fixed"] = fixedValues,
            ["hyperparameters"] = all,
            ["checkpoint"] = checkpoint,
            ["checkpoint_bytes"] = Bytes(checkpoint),
            ["image_size"] = options.ImageSize,
            ["eval_every"] = options.EvalEvery,
            ["batch_norm"] = options.TrainBatchNorm ? "train" : "frozen",
            ["activation"] = options.Activation,   // --activation: a CLIP computed with another function is another model
            ["precision"] = options.Precision,
            ["device"] = options.Device,
        };
    }

    /// <summary>The first 12 hex digits of the SHA-256 of the configuration's compact JSON: a sweep job's folder name.</summary>
    public static string Hash(JsonObject configuration)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(configuration.ToJsonString()));
        return Convert.ToHexStringLower(digest)[..12];
    }

    /// <summary>A dataset's name: its folder's.</summary>
    public static string DatasetName(string dataDir) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir)));

    /// <summary>A checkpoint's size: the file's, or the sum over a folder's files (Hugging Face folders), links followed.</summary>
    public static long Bytes(string path)
    {
        static long Length(string file) => new FileInfo(file) is { LinkTarget: not null } link && link.ResolveLinkTarget(true) is FileInfo target ? target.Length : new FileInfo(file).Length;
        if (Directory.Exists(path)) return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(Length);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint");
        return Length(path);
    }
}
