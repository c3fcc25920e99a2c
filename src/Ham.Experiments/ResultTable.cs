using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ham.Experiments;

/// <summary>One table cell: test accuracy in % over a method's seeds on one test domain.</summary>
public sealed record ResultCell(double Mean, double StandardError, int Runs);

/// <summary>
/// A results table like the paper's (and DomainBed's collect_results): one row per method, one
/// column per test domain with mean ± standard error over seeds, SE = std / sqrt(n) with the
/// population std (numpy's default, as DomainBed computes it), and "Avg", the mean of the
/// domain means. Built from the results.json and run.json of every run folder below a directory.
/// </summary>
public sealed class ResultTable
{
    readonly SortedDictionary<string, SortedDictionary<string, List<double>>> _accuracies = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Methods => _accuracies.Keys.ToList();

    public IReadOnlyList<string> Domains => _accuracies.Values.SelectMany(d => d.Keys).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Every finished run below <paramref name="dir"/> (a folder holding results.json and run.json).</summary>
    public static ResultTable Collect(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"no results folder {dir}");
        var table = new ResultTable();
        foreach (string results in Directory.EnumerateFiles(dir, "results.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string runJson = Path.Combine(Path.GetDirectoryName(results)!, "run.json");
            if (!File.Exists(runJson)) throw new InvalidDataException($"{results} has no run.json beside it");
            var result = Ham.Torch.Serialization.JsonFile.ReadObject(results);
            var run = Ham.Torch.Serialization.JsonFile.ReadObject(runJson);
            table.Add(RowLabel(run, runJson), JsonFields.String(result, "test_domain", results), 100 * JsonFields.Number(result, "test_accuracy", results));
        }
        if (table.Methods.Count == 0) throw new InvalidDataException($"no finished runs (results.json) below {dir}");
        return table;
    }

    /// <summary>The method of a run.json, with its merge when it merges sources ("HAM + rhm", "per-source + ties", "ERM").</summary>
    static string RowLabel(JsonObject run, string path)
    {
        string method = JsonFields.String(JsonFields.Object(run, "options", path), "Method", path);
        string name = method == "per-source" ? method : method.ToUpperInvariant();
        return run["hyperparameters"] is JsonObject hyperparameters && hyperparameters.ContainsKey("merge")
            ? $"{name} + {JsonFields.String(hyperparameters, "merge", path)}" : name;
    }

    public void Add(string method, string testDomain, double accuracyPercent)
    {
        if (!_accuracies.TryGetValue(method, out var row)) _accuracies[method] = row = new(StringComparer.Ordinal);
        if (!row.TryGetValue(testDomain, out var values)) row[testDomain] = values = [];
        values.Add(accuracyPercent);
    }

    public ResultCell? Cell(string method, string domain)
    {
        if (!_accuracies[method].TryGetValue(domain, out var values)) return null;
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return new ResultCell(mean, std / Math.Sqrt(values.Count), values.Count);
    }

    /// <summary>The mean of the domain means; null unless the method has every domain (as DomainBed leaves it blank).</summary>
    public double? Average(string method)
    {
        var cells = Domains.Select(d => Cell(method, d)).ToList();
        return cells.Any(c => c is null) ? null : cells.Average(c => c!.Mean);
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"| method | {string.Join(" | ", Domains)} | Avg |");
        text.AppendLine($"| --- |{string.Concat(Enumerable.Repeat(" --- |", Domains.Count + 1))}");
        foreach (string method in Methods)
        {
            var cells = Domains.Select(d => Cell(method, d) is { } c ? $"{F(c.Mean)} ± {F(c.StandardError)}" : "-");
            text.AppendLine($"| {method} | {string.Join(" | ", cells)} | {(Average(method) is { } avg ? F(avg) : "-")} |");
        }
        return text.ToString();
    }

    /// <summary>One line per method and domain: method,domain,mean,se,runs.</summary>
    public string Csv()
    {
        var text = new StringBuilder("method,test_domain,mean,standard_error,runs\n");
        foreach (string method in Methods)
            foreach (string domain in Domains)
                if (Cell(method, domain) is { } c)
                    text.AppendLine(string.Join(",", Quote(method), Quote(domain), c.Mean.ToString("R", CultureInfo.InvariantCulture),
                        c.StandardError.ToString("R", CultureInfo.InvariantCulture), c.Runs));
        return text.ToString();
    }

    static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    static string Quote(string field) => field.Contains(',') || field.Contains('"') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
}
