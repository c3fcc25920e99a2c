using System.Text.Json.Nodes;
using Ham.Experiments;

namespace Ham.Tests.Experiments;

public class ResultTableTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-report").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// By hand: 50, 60, 70 -> mean 60, population std sqrt(200 / 3) = 8.165, SE 8.165 / sqrt(3) = 4.714;
    /// 40, 44 -> mean 42, std 2, SE 2 / sqrt(2) = 1.414; Avg (60 + 42) / 2 = 51.
    /// </summary>
    [Fact]
    public void CellsAreMeanAndStandardErrorOverSeeds()
    {
        var table = new ResultTable();
        foreach (double a in new[] { 50.0, 60, 70 }) table.Add("ERM", "art", a);
        foreach (double a in new[] { 40.0, 44 }) table.Add("ERM", "sketch", a);
        table.Add("HAM + rhm", "art", 65);

        var cell = table.Cell("ERM", "art")!;
        Assert.Equal(60, cell.Mean, 10);
        Assert.Equal(Math.Sqrt(200.0 / 3) / Math.Sqrt(3), cell.StandardError, 10);
        Assert.Equal(3, cell.Runs);
        Assert.Equal(Math.Sqrt(2), table.Cell("ERM", "sketch")!.StandardError, 10);
        Assert.Equal(51, table.Average("ERM")!.Value, 10);
        Assert.Null(table.Average("HAM + rhm"));   // no sketch run: no average, as DomainBed

        var lines = table.Markdown().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| method | art | sketch | Avg |", lines[0]);
        Assert.Equal("| ERM | 60.0 ± 4.7 | 42.0 ± 1.4 | 51.0 |", lines[2]);
        Assert.Equal("| HAM + rhm | 65.0 ± 0.0 | - | - |", lines[3]);
        Assert.Contains("ERM,sketch,42,1.414213562373", table.Csv());
    }

    /// <summary>The bar chart draws one bar per method and group at its mean (Avg included), none where a cell is missing.</summary>
    [Fact]
    public void PlotBarsStandAtTheMeans()
    {
        var table = new ResultTable();
        foreach (double a in new[] { 50.0, 70 }) table.Add("ERM", "art", a);
        table.Add("ERM", "sketch", 40);
        table.Add("HAM + rhm", "art", 80);
        var svg = System.Xml.Linq.XDocument.Parse(ResultPlot.Svg(table, "t"));
        var bars = svg.Descendants().Where(e => (string?)e.Attribute("class") == "bar").ToList();
        Assert.Equal(4, bars.Count);   // ERM: art, sketch, Avg; HAM: art only
        double Top(string label) => double.Parse(bars.Single(b => b.Value.StartsWith(label)).Attribute("y")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ResultPlot.Y(60), Top("ERM, art"), 2);
        Assert.Equal(ResultPlot.Y(40), Top("ERM, sketch"), 2);
        Assert.Equal(ResultPlot.Y(50), Top("ERM, Avg"), 2);
        Assert.Equal(ResultPlot.Y(80), Top("HAM + rhm, art"), 2);
        Assert.True(ResultPlot.Y(80) < ResultPlot.Y(60));   // higher accuracy, higher bar
    }

    [Fact]
    public void CollectReadsEveryRunFolderAndLabelsRowsByMethodAndMerge()
    {
        WriteRun("a", "per-source", "ties", "photo", 0.5);
        WriteRun("b", "per-source", "ties", "photo", 0.7);
        WriteRun("c", "ham", "rhm", "photo", 0.8);
        WriteRun("d", "erm", null, "sketch", 0.25);
        var table = ResultTable.Collect(_dir);
        Assert.Equal(["ERM", "HAM + rhm", "per-source + ties"], table.Methods);
        Assert.Equal(["photo", "sketch"], table.Domains);
        Assert.Equal(60, table.Cell("per-source + ties", "photo")!.Mean, 10);
        Assert.Equal(25, table.Cell("ERM", "sketch")!.Mean, 10);
    }

    [Fact]
    public void AFolderWithoutRunsIsAnErrorNamingIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => ResultTable.Collect(_dir));
        Assert.Contains(_dir, error.Message);
    }

    /// <summary>A run folder as the trainer writes it: the method in run.json's options, the merge (of per-source methods) among its hyperparameters.</summary>
    void WriteRun(string name, string method, string? merge, string testDomain, double accuracy)
    {
        string run = Path.Combine(_dir, name);
        Directory.CreateDirectory(run);
        var hyperparameters = new JsonObject();
        if (merge is not null) hyperparameters["merge"] = merge;
        File.WriteAllText(Path.Combine(run, "run.json"), new JsonObject { ["options"] = new JsonObject { ["Method"] = method }, ["hyperparameters"] = hyperparameters }.ToJsonString());
        File.WriteAllText(Path.Combine(run, "results.json"), new JsonObject { ["test_domain"] = testDomain, ["test_accuracy"] = accuracy }.ToJsonString());
    }
}
