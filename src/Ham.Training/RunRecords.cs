using System.Text.Json.Nodes;

namespace Ham.Training;

/// <summary>
/// results.jsonl (DomainBed's records): one JSON line per evaluation of a run, each its
/// <see cref="RunConfiguration"/> followed by "step", "model" (zero_shot at step 0, current at
/// every `EvalEvery` steps and the last one, historical and final at the end, posthoc for
/// `ham eval --run`), "delivered" (whether this is the model the algorithm delivers: the
/// historical average or the final weights, and for an algorithm that delivers its final
/// weights every current record and the zero-shot one, which are those weights at that step) and
/// "accuracy": {domain: {"out": out-split accuracy} for a source, {"in", "out"} for the test
/// domain}. Sources' in-splits are not scored: they are the training data. Selection and tables
/// are computed from these records when a report is made (`ham report`).
/// </summary>
public sealed class RunRecords(string path)
{
    /// <summary>The models whose records only the end of a run writes.</summary>
    static readonly HashSet<string> Final = ["historical", "final"];

    public static JsonObject Record(JsonObject configuration, int step, string model, bool delivered, JsonObject accuracy)
    {
        var record = configuration.DeepClone().AsObject();
        record["step"] = step;
        record["model"] = model;
        record["delivered"] = delivered;
        record["accuracy"] = accuracy.DeepClone();
        return record;
    }

    public void Append(JsonObject record) => File.AppendAllText(path, record.ToJsonString() + "\n");

    /// <summary>On resume from <paramref name="step"/>: the records after it and those of a cut-short end are dropped, so they are not written twice.</summary>
    public void TruncateAfter(int step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadLines(path).Where(line =>
        {
            var record = JsonNode.Parse(line)!;
            return record["step"]!.GetValue<int>() <= step && !Final.Contains(record["model"]!.GetValue<string>());
        }).ToList();
        AtomicText.Write(path, string.Concat(kept.Select(l => l + "\n")));
    }
}
