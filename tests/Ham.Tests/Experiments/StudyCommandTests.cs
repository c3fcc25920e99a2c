using System.Globalization;
using System.Xml.Linq;
using Ham.Experiments.Reporting;
using Ham.Experiments.Studies;
using Ham.Tests.Cli;

namespace Ham.Tests.Experiments;

/// <summary>`ham study` end to end: a two-value sensitivity study of HAM on PACS-mini with the tiny CLIP, two seeds, two steps.</summary>
[Collection(nameof(ConsoleCapture))]
public class StudyCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-study-run").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>
    /// Each variant gets its own row, the command-line steps reach every variant (the runs are two
    /// steps long), and the sensitivity plot's points are the report's cells: the means of the
    /// per-seed test accuracies at lambda 0 and 1, in value order.
    /// </summary>
    [Fact]
    public void AStudyRunsItsVariantsAndDrawsTheReportsCells()
    {
        string file = Path.Combine(dir, "study.yaml"), output = Path.Combine(dir, "out");
        File.WriteAllText(file, """
            name: lambda-check
            variants:
              - {label: lambda 1, algorithm: ham, hyperparameters: {lambda: 1}}
              - {label: lambda 0, algorithm: ham, hyperparameters: {lambda: 0}}
            sensitivity: [lambda]
            """);
        var (code, text) = ConsoleCapture.Run(["study", file, "--data", SweepFixture.Data, "--model", SweepFixture.Model, "--out", output,
            "--test-domains", "sketch", "--seeds", "1", "2", "--steps", "2", "--hparam", "batch_size=2", "--lr", "1e-2", "--eval-every", "2"]);
        Assert.True(code == 0, text);

        var runs = RecordedRun.Collect(output);
        Assert.Equal(4, runs.Count);
        Assert.All(runs, r => Assert.Equal(2, r.Records.Max(x => x.Step)));
        var report = SweepReport.Collect(output);
        var table = report.Tables.First(t => t.Dataset == "PACS-mini").Table;
        Assert.Equal(["ZS", "lambda 0", "lambda 1"], table.Rows.Order(StringComparer.Ordinal));

        var svg = XDocument.Parse(File.ReadAllText(Path.Combine(output, "sensitivity-lambda-PACS-mini.svg")));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var mean = svg.Descendants(ns + "polyline").Single(e => (string?)e.Attribute("class") == "mean").Attribute("points")!.Value
            .Split(' ').Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, mean.Length);
        double at0 = table.Cell("lambda 0", "sketch")!.Mean, at1 = table.Cell("lambda 1", "sketch")!.Mean;
        // SVG y grows downwards: the higher accuracy is the smaller y (equal accuracies, equal y).
        Assert.Equal(Math.Sign(at1 - at0), Math.Sign(mean[0] - mean[1]));
        var curve = Assert.Single(StudySensitivity.Curves(Study.Read(file), report));
        Assert.Equal(("lambda", "PACS-mini"), (curve.Parameter, curve.Dataset));
        Assert.Equal([0.0, 1.0], curve.Points.Select(p => p.Value));
        Assert.Equal([at0, at1], curve.Points.Select(p => p.Mean));

        // The sign-conflict table: per variant the mean of its runs' results.json values.
        var byVariant = Directory.GetFiles(output, "results.json", SearchOption.AllDirectories)
            .Select(f => (Run: System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(f)!, "done")))!["variant"]!.GetValue<string>(),
                Fraction: System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(f))!["sign_conflict_fraction"]!.GetValue<double>()))
            .GroupBy(r => r.Run).ToDictionary(g => g.Key, g => g.Average(r => r.Fraction));
        var csv = File.ReadAllLines(Path.Combine(output, "sign-conflicts.csv"));
        Assert.Equal("variant,sign_conflict_fraction,runs", csv[0]);
        Assert.Equal(2, csv.Length - 1);
        foreach (string line in csv.Skip(1))
        {
            var fields = line.Split(',');
            Assert.Equal(byVariant[fields[0].Trim('"')], double.Parse(fields[1], CultureInfo.InvariantCulture));
            Assert.Equal("2", fields[2]);
        }
    }
}
