using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ham.Experiments.Reporting;

/// <summary>
/// The records of one run that share one configuration: a trained run's evaluations, or the
/// post-hoc scores `ham eval --run` appended under their own label (their own configuration).
/// </summary>
public sealed record RecordedRun(string Path, JsonObject Configuration, IReadOnlyList<EvaluationRecord> Records)
{
    public string Dataset => Text("dataset");
    public string Variant => Text("variant");
    public string Algorithm => Text("algorithm");
    public string TestDomain => Text("test_domain");
    public int TrialSeed => Configuration["trial_seed"]!.GetValue<int>();
    public int HparamsSeed => Configuration["hparams_seed"]!.GetValue<int>();

    /// <summary>The records of the model the algorithm delivers (<see cref="EvaluationRecord.Delivered"/>), in step order.</summary>
    public IReadOnlyList<EvaluationRecord> Delivered => Records.Where(r => r.Delivered).OrderBy(r => r.Step).ToList();

    /// <summary>Whether the run ended (its final weights were scored) or is a post-hoc score; a killed run's records are left out of reports.</summary>
    public bool Finished => Records.Any(r => r.Model is "final" or "posthoc");

    string Text(string name) => Configuration[name]!.GetValue<string>();

    /// <summary>Every results.jsonl below <paramref name="dir"/>, split into runs by configuration.</summary>
    public static IReadOnlyList<RecordedRun> Collect(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"no results folder {dir}");
        var runs = new List<RecordedRun>();
        foreach (string path in Directory.EnumerateFiles(dir, "results.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            runs.AddRange(Read(path));
        if (runs.Count == 0) throw new InvalidDataException($"no records (results.jsonl) below {dir}");
        return runs;
    }

    public static IReadOnlyList<RecordedRun> Read(string path)
    {
        var runs = new List<(JsonObject Configuration, List<EvaluationRecord> Records)>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            string where = $"{path} line {number}";
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{where}: not valid JSON ({e.Message})");
            }
            var record = EvaluationRecord.Parse(node as JsonObject ?? throw new InvalidDataException($"{where}: not a JSON object"), where);
            var run = runs.FirstOrDefault(r => JsonNode.DeepEquals(r.Configuration, record.Configuration));
            if (run.Records is null) runs.Add(run = (record.Configuration, []));
            run.Records.Add(record);
        }
        return runs.Select(r => new RecordedRun(path, r.Configuration, r.Records)).ToList();
    }
}
