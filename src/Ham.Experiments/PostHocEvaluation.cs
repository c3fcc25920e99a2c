using System.Text.Json.Nodes;
using Ham.Data.Datasets;
using Ham.Data.Splits;
using Ham.Experiments.Reporting;
using Ham.Torch;
using Ham.Training;
using Ham.Training.Backbones;

namespace Ham.Experiments;

/// <summary>
/// `ham eval --run`: scores any model (a post-hoc merge of a run's sources with another method or
/// trim scope, say) on a finished run's own split (split.json: the sources' out-splits, the test
/// domain's in- and out-splits), with the run's backbone settings (image size, head seed), and
/// appends it to the run's results.jsonl as a "posthoc" record under its own label: the run's
/// configuration with that variant label and the model's path and size, at the run's last step,
/// the delivered (only) model of its row. `ham report` then tables it as a row beside the trained variants.
/// </summary>
public static class PostHocEvaluation
{
    /// <summary>Appends the record and returns it.</summary>
    public static JsonObject Append(string runDir, string modelPath, string label, Device device)
    {
        var folder = new RunFolder(runDir);
        if (!File.Exists(folder.Records)) throw new FileNotFoundException($"{folder.Records}: no records (is {runDir} a run folder of this version of ham train?)");
        var trained = RecordedRun.Read(folder.Records).FirstOrDefault(r => r.Records.Any(x => x.Model == "final"))
            ?? throw new InvalidDataException($"{folder.Records}: the run has not finished (no final record)");
        if (trained.Variant == label) throw new ArgumentException($"--label '{label}' is the run's own variant: give the post-hoc model a label of its own");
        var options = Ham.Torch.Serialization.JsonFile.ReadObject(folder.RunJson);
        var runOptions = JsonFields.Object(options, "options", folder.RunJson);
        var dataset = DomainDataset.Open(JsonFields.String(runOptions, nameof(TrainingOptions.DataDir), folder.RunJson));
        string test = trained.TestDomain;
        var splits = SplitFile.Read(folder.SplitJson);
        var names = dataset.Domains.Select(d => d.Name).ToList();
        if (!splits.Select(s => s.Domain).SequenceEqual(names))
            throw new InvalidDataException($"{folder.SplitJson} splits {string.Join(", ", splits.Select(s => s.Domain))}, but the dataset now has {string.Join(", ", names)}");
        // the model is opened as the run opened its checkpoint: image size, head seed and activation
        string? activation = runOptions[nameof(TrainingOptions.Activation)]?.GetValue<string>();
        var backboneOptions = new BackboneOptions((int)JsonFields.Number(runOptions, nameof(TrainingOptions.ImageSize), folder.RunJson),
            (int)JsonFields.Number(runOptions, nameof(TrainingOptions.Seed), folder.RunJson),
            activation is null ? null : Ham.Clip.Model.Activations.Parse(activation, $"{folder.RunJson}: {nameof(TrainingOptions.Activation)}"));
        using var backbone = Backbone.Open(modelPath, dataset.Classes, backboneOptions);
        using var evaluation = new SplitEvaluation(backbone, dataset, splits, dataset.IndexOf(test), device);
        var scores = evaluation.Evaluate(backbone.InitialState);
        var configuration = trained.Configuration.DeepClone().AsObject();
        configuration["variant"] = label;
        string evaluated = Path.GetFullPath(modelPath);
        configuration["evaluated"] = evaluated;
        configuration["evaluated_bytes"] = RunConfiguration.Bytes(evaluated);
        var record = RunRecords.Record(configuration, trained.Records.Max(r => r.Step), "posthoc", delivered: true, scores.Splits);
        new RunRecords(folder.Records).Append(record);
        return record;
    }
}
