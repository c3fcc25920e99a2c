using System.Text.Json.Nodes;
using Ham.Experiments.Selection;
using Ham.Training.Algorithms;

namespace Ham.Experiments.Reporting;

/// <summary>A table of the report and what it is of: a dataset's (test domains as columns) or, with a null dataset, the cross-dataset one (datasets as columns).</summary>
public sealed record ReportTable(string? Dataset, SelectionMethod Selection, ResultTable Table);

/// <summary>
/// `ham report`'s tables (DomainBed's collect_results): for every selection method, one table per
/// dataset with its test domains and Avg as columns, then one across datasets (the paper's
/// Table 1) with the datasets and Avg as columns. Rows are the variants (<see cref="RowIdentity"/>:
/// runs of different configurations are never pooled) and ZS, the runs' zero-shot records (one row
/// per checkpoint, image size, precision and device). A dataset cell is the mean ± SE over trial
/// seeds of what the selection method reports for that seed (<see cref="SelectionMethod.AcrossTrials"/>);
/// a cross-dataset cell is, per trial seed, the mean over the dataset's test domains (a seed that
/// lacks one of them is left out), then mean ± SE over seeds. Columns are the test domains some
/// run of the dataset held out. Runs without their final records (killed) are left out.
/// </summary>
public sealed class SweepReport
{
    /// <summary>One row's values before they are tabled: column -> trial seed -> accuracy (0-1).</summary>
    sealed record Series(JsonObject Identity, Dictionary<string, SortedDictionary<int, double>> Values);

    public IReadOnlyList<ReportTable> Tables { get; }

    /// <summary>How many runs were left out because they have not finished.</summary>
    public int Unfinished { get; }

    SweepReport(IReadOnlyList<ReportTable> tables, int unfinished) => (Tables, Unfinished) = (tables, unfinished);

    public static SweepReport Collect(string dir) => Build(RecordedRun.Collect(dir));

    public static SweepReport Build(IReadOnlyList<RecordedRun> all)
    {
        var runs = all.Where(r => r.Finished).ToList();
        if (runs.Count == 0) throw new InvalidDataException($"no finished runs among the {all.Count} recorded in {string.Join(", ", all.Select(r => r.Path).Distinct())}");
        RequireOneRunPerSlot(runs);
        var datasets = runs.Select(r => r.Dataset).Distinct().Order(StringComparer.Ordinal).ToList();
        var columns = datasets.ToDictionary(d => d, d => (IReadOnlyList<string>)runs.Where(r => r.Dataset == d).Select(r => r.TestDomain).Distinct().Order(StringComparer.Ordinal).ToList());
        var tables = new List<ReportTable>();
        foreach (var selection in SelectionMethod.All)
        {
            var perDataset = datasets.ToDictionary(d => d, d => DatasetSeries(runs.Where(r => r.Dataset == d).ToList(), selection));
            foreach (string dataset in datasets)
                tables.Add(new ReportTable(dataset, selection, Tabled($"{dataset}, {selection.Name}", columns[dataset], perDataset[dataset])));
            tables.Add(new ReportTable(null, selection, Tabled($"averages over datasets, {selection.Name}", datasets, CrossDataset(perDataset, columns))));
        }
        return new SweepReport(tables, all.Count - runs.Count);
    }

    /// <summary>The ZS row, then a row per identity of the dataset's runs.</summary>
    static List<Series> DatasetSeries(List<RecordedRun> runs, SelectionMethod selection)
    {
        var series = new List<Series>();
        var zeroShot = new Dictionary<string, Series>();
        foreach (var run in runs)
            foreach (var record in run.Records.Where(r => r.Model == "zero_shot"))
            {
                var identity = new JsonObject { ["variant"] = "ZS" };
                foreach (string name in new[] { "dataset", "checkpoint", "checkpoint_bytes", "image_size", "precision", "device" })
                    identity[name] = run.Configuration[name]?.DeepClone();
                string key = identity.ToJsonString();
                if (!zeroShot.TryGetValue(key, out var zs)) zeroShot[key] = zs = new Series(identity, []);
                Cell(zs, run.TestDomain).TryAdd(run.TrialSeed, record.TestIn);   // every run of a checkpoint and split has the same zero-shot score
            }
        series.AddRange(zeroShot.Values);
        var rows = runs.GroupBy(r => RowIdentity.Of(r.Configuration).ToJsonString())
            .OrderBy(g => AlgorithmOrder(g.First().Algorithm)).ThenBy(g => g.First().Variant, StringComparer.Ordinal).ThenBy(g => g.Key, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var s = new Series(RowIdentity.Of(row.First().Configuration), []);
            foreach (var slot in row.GroupBy(r => (r.TestDomain, r.TrialSeed)))
                if (selection.AcrossTrials(slot) is { } accuracy)
                    Cell(s, slot.Key.TestDomain)[slot.Key.TrialSeed] = accuracy;
            series.Add(s);
        }
        return series;
    }

    /// <summary>Per dataset row, the per-seed mean over that dataset's test domains, under the row's identity without its dataset.</summary>
    static List<Series> CrossDataset(Dictionary<string, List<Series>> perDataset, Dictionary<string, IReadOnlyList<string>> testDomains)
    {
        var cross = new Dictionary<string, Series>();
        foreach (var (dataset, rows) in perDataset)
        {
            var columns = testDomains[dataset];
            foreach (var row in rows)
            {
                var identity = RowIdentity.Of(row.Identity, "dataset");
                string key = identity.ToJsonString();
                if (!cross.TryGetValue(key, out var c)) cross[key] = c = new Series(identity, []);
                var seeds = row.Values.Values.SelectMany(v => v.Keys).Distinct()
                    .Where(seed => columns.All(col => row.Values.TryGetValue(col, out var v) && v.ContainsKey(seed)));
                foreach (int seed in seeds) Cell(c, dataset)[seed] = columns.Average(col => row.Values[col][seed]);
            }
        }
        return cross.Values.ToList();
    }

    static ResultTable Tabled(string title, IReadOnlyList<string> columns, List<Series> series)
    {
        var table = new ResultTable(title, columns);
        var labels = RowIdentity.Labels(series.Select(s => s.Identity).ToList());
        for (int i = 0; i < series.Count; i++)
        {
            table.AddRow(labels[i]);
            foreach (string column in columns)
                if (series[i].Values.TryGetValue(column, out var seeds))
                    foreach (double accuracy in seeds.Values) table.Add(labels[i], column, 100 * accuracy);
        }
        return table;
    }

    static SortedDictionary<int, double> Cell(Series series, string column) =>
        series.Values.TryGetValue(column, out var seeds) ? seeds : series.Values[column] = [];

    static int AlgorithmOrder(string algorithm) => AlgorithmRegistry.Names.ToList().IndexOf(algorithm) is >= 0 and var i ? i : int.MaxValue;

    /// <summary>
    /// Two runs of one row, test domain, trial seed and trial are two answers to one job: a copy of
    /// a run folder, or runs whose resolved hyperparameters differ for the same seeds (made by
    /// another version of the registry). Either would be pooled silently, so the report refuses.
    /// </summary>
    static void RequireOneRunPerSlot(List<RecordedRun> runs)
    {
        foreach (var slot in runs.GroupBy(r => (RowIdentity.Of(r.Configuration).ToJsonString(), r.TestDomain, r.TrialSeed, r.HparamsSeed)))
        {
            if (slot.Count() < 2) continue;
            var (a, b) = (slot.ElementAt(0), slot.ElementAt(1));
            var differ = a.Configuration.Select(p => p.Key).Union(b.Configuration.Select(p => p.Key))
                .Where(n => !JsonNode.DeepEquals(a.Configuration[n], b.Configuration[n])).ToList();
            throw new InvalidDataException(
                $"{a.Path} and {b.Path} are both {a.Variant}, test domain {a.TestDomain}, trial seed {a.TrialSeed}, hparams_seed {a.HparamsSeed}" +
                (differ.Count == 0 ? " with the same configuration (a copied run?)" : $" but differ in {string.Join(", ", differ)}") +
                ": the report would pool them; move one of them out of the folder");
        }
    }
}
