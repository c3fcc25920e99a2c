using System.Text.Json.Nodes;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Training.Algorithms;

namespace Ham.Training;

/// <summary>
/// Everything a run needs to continue bit for bit: per model its weights, AdamW state and
/// historical average (with S_t), plus the step and the model-selection record. The loaders'
/// batches depend only on (seed, batches drawn), so the step is their whole state
/// (<see cref="Ham.Data.Loading.SamplerState"/>) and no RNG state is needed. Written to checkpoint.tmp/ and swapped in by renames: a kill at any moment leaves
/// either the old or the new checkpoint whole. Each rank of a multi-process run keeps its own
/// (checkpoint-rank{r}-of-{w}), swapped in only after every rank has written
/// its temp folder (the beforeSwap barrier), so the ranks' checkpoints stay of one step.
/// </summary>
static class TrainingCheckpoint
{
    public static void Save(string runDir, IReadOnlyList<TrainedModel> models, int step, JsonObject state, string name = "checkpoint", Action? beforeSwap = null)
    {
        string final = Path.Combine(runDir, name), temp = final + ".tmp", old = final + ".old";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        for (int i = 0; i < models.Count; i++)
        {
            var model = models[i];
            SafetensorsWriter.Save(Path.Combine(temp, $"model{i}.safetensors"), model.Model.StateDict());
            SafetensorsWriter.Save(Path.Combine(temp, $"optimizer{i}.safetensors"), model.Optimizer.StateDict());
            SafetensorsWriter.Save(Path.Combine(temp, $"average{i}.safetensors"),
                model.Average.Average.Select((t, j) => KeyValuePair.Create(j.ToString("D5"), t)));
            state[$"average_weight_sum_{i}"] = model.Average.WeightSum;
            if (model.Scaler is { } scaler) SafetensorsWriter.Save(Path.Combine(temp, $"scaler{i}.safetensors"), scaler.StateDict());
        }
        state["step"] = step;
        AtomicText.WriteJson(Path.Combine(temp, "state.json"), state);
        beforeSwap?.Invoke();
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(temp, final);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>Restores the models and returns the saved state (with "step"); null when there is no checkpoint.</summary>
    public static JsonObject? Load(string runDir, IReadOnlyList<TrainedModel> models, string name = "checkpoint")
    {
        string dir = Path.Combine(runDir, name);
        if (!Directory.Exists(dir))
        {
            // A kill between the two renames leaves the previous checkpoint as checkpoint.old.
            if (Directory.Exists(dir + ".old")) Directory.Move(dir + ".old", dir);
            else return null;
        }
        string statePath = Path.Combine(dir, "state.json");
        var state = JsonFile.ReadObject(statePath);
        int step = state["step"] is JsonValue value && value.TryGetValue(out int saved) ? saved : throw new InvalidDataException($"{statePath}: no 'step' integer");
        using var scope = new DisposeScope();
        for (int i = 0; i < models.Count; i++)
        {
            var model = models[i];
            model.Model.LoadStateDict(SafetensorsFile.Load(Path.Combine(dir, $"model{i}.safetensors")));
            model.Optimizer.LoadStateDict(SafetensorsFile.Load(Path.Combine(dir, $"optimizer{i}.safetensors")));
            var average = SafetensorsFile.Load(Path.Combine(dir, $"average{i}.safetensors"));
            model.Average.Restore(average.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList(),
                state[$"average_weight_sum_{i}"]!.GetValue<double>(), step);
            model.Scaler?.LoadStateDict(SafetensorsFile.Load(Path.Combine(dir, $"scaler{i}.safetensors")));
        }
        return state;
    }
}
