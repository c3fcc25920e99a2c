using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ham.Training;

/// <summary>
/// log.jsonl: one JSON object per line, per step and source ({"step", "source", "loss", "ce",
/// "sign", "sign_active", "enriched": {other source: count}, "lr", "seconds"}) and per evaluation
/// ({"step", "eval": {...}}). On resume the lines after the checkpoint's step are dropped first,
/// so a resumed run's log equals an uninterrupted one's.
/// </summary>
sealed class TrainingLog(string path)
{
    public void Append(JsonObject record) => File.AppendAllText(path, record.ToJsonString() + "\n");

    public void TruncateAfter(int step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadLines(path).Where(line => JsonNode.Parse(line)!["step"]!.GetValue<int>() <= step).ToList();
        AtomicText.Write(path, string.Concat(kept.Select(l => l + "\n")));
    }

    /// <summary>Per source, the (step, cross-entropy) points of the log, for the loss plot.</summary>
    public Dictionary<string, List<(int Step, double Loss)>> CrossEntropyBySource()
    {
        var curves = new Dictionary<string, List<(int, double)>>();
        foreach (string line in File.ReadLines(path))
        {
            var record = JsonNode.Parse(line)!.AsObject();
            if (!record.ContainsKey("source")) continue;
            string source = record["source"]!.GetValue<string>();
            if (!curves.TryGetValue(source, out var curve)) curves[source] = curve = [];
            curve.Add((record["step"]!.GetValue<int>(), record["ce"]!.GetValue<double>()));
        }
        return curves;
    }
}

/// <summary>Text files written to a temp file and renamed, so a kill never leaves half a file (<see cref="Ham.Torch.Serialization.OutputFile"/>).</summary>
public static class AtomicText
{
    public static void Write(string path, string text) => Ham.Torch.Serialization.OutputFile.WriteAllText(path, text);

    public static void WriteJson(string path, JsonNode node) =>
        Write(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
