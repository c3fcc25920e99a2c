using System.Text.Json.Nodes;

namespace Ham.Training;

/// <summary>
/// The files of a run folder (README, "A training run"), who may write them, and the check that a
/// resumed run is the run that was saved.
/// </summary>
public sealed partial class RunFolder(string dir)
{
    public string RunJson => Path.Combine(dir, "run.json");
    public string SplitJson => Path.Combine(dir, "split.json");
    public string Log => Path.Combine(dir, "log.jsonl");
    public string Results => Path.Combine(dir, "results.json");
    public string Records => Path.Combine(dir, "results.jsonl");
    public string Done => Path.Combine(dir, "done");
    public string Model => Path.Combine(dir, "model.safetensors");
    public string LossPlot => Path.Combine(dir, "losses.svg");
    public string Sources => Path.Combine(dir, "sources");
    public string Source(string name) => Path.Combine(Sources, $"{name}.safetensors");

    /// <summary>
    /// A resumed run must be the run that was saved: every option and resolved hyperparameter of
    /// run.json but the ones that only say how this process runs (<see cref="TrainingOptions.ProcessOnly"/>)
    /// must match, or the result would be neither run. Hyperparameters are compared as resolved
    /// (a value set by flag equals the same value from the registry).
    /// </summary>
    public void RequireSameRun(JsonObject description)
    {
        if (!File.Exists(RunJson)) return;   // killed before run.json was written: nothing was trained
        var saved = Ham.Torch.Serialization.JsonFile.ReadObject(RunJson);
        foreach (string section in new[] { "options", "hyperparameters" })
        {
            var before = saved[section] as JsonObject ?? throw new InvalidDataException($"{RunJson}: no '{section}' object");
            var now = description[section]!.AsObject();
            foreach (string name in before.Select(p => p.Key).Union(now.Select(p => p.Key)))
                if (!TrainingOptions.ProcessOnly.Contains(name) && name != nameof(TrainingOptions.Hyperparameters) && !JsonNode.DeepEquals(before[name], now[name]))
                    throw new ArgumentException($"--resume: {RunJson} was made with {name} = {before[name]?.ToJsonString() ?? "null"}, this run has {now[name]?.ToJsonString() ?? "null"}");
        }
    }
}
