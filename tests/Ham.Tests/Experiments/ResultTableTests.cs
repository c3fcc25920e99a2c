using System.Globalization;
using System.Text.Json.Nodes;
using Ham.Experiments;
using Ham.Experiments.Reporting;
using Ham.Experiments.Selection;

namespace Ham.Tests.Experiments;

/// <summary>
/// `ham report`'s tables from hand-written results.jsonl records. Dataset D1 (domains a, b, c;
/// test domains a and b), ERM with two trials and seeds 1, 2, HAM at lambda 0 and at lambda 1;
/// dataset D2 (x, y), ERM on x. Every value below is worked out by hand in the comments.
/// </summary>
public class ResultTableTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-report").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One record: sources' out-splits all at <paramref name="val"/>, the test domain's in and out.</summary>
    sealed record R(int Step, string Model, bool Delivered, double Val, double TestIn, double TestOut);

    static readonly Dictionary<string, string[]> Domains = new() { ["D1"] = ["a", "b", "c"], ["D2"] = ["x", "y"] };

    void Run(string folder, string dataset, string variant, string algorithm, string test, int seed, int trial, JsonObject? fixedValues, params R[] records)
    {
        var hyperparameters = new JsonObject { ["lr"] = trial == 0 ? 5e-6 : 1e-5 };
        foreach (var (name, value) in fixedValues ?? []) hyperparameters[name] = value!.DeepClone();
        var lines = records.Select(r =>
        {
            var accuracy = new JsonObject();
            foreach (string d in Domains[dataset])
                accuracy[d] = d == test ? new JsonObject { ["in"] = r.TestIn, ["out"] = r.TestOut } : new JsonObject { ["out"] = r.Val };
            return new JsonObject
            {
                ["variant"] = variant, ["algorithm"] = algorithm, ["dataset"] = dataset, ["test_domain"] = test, ["hparams_seed"] = trial,
                ["trial_seed"] = seed, ["seed"] = seed, ["fixed"] = fixedValues?.DeepClone() ?? new JsonObject(), ["hyperparameters"] = hyperparameters.DeepClone(),
                ["checkpoint"] = "/models/clip.pt", ["checkpoint_bytes"] = 1000, ["image_size"] = 0,
                ["step"] = r.Step, ["model"] = r.Model, ["delivered"] = r.Delivered, ["accuracy"] = accuracy,
            }.ToJsonString();
        });
        Directory.CreateDirectory(Path.Combine(_dir, folder));
        File.WriteAllLines(Path.Combine(_dir, folder, "results.jsonl"), lines);
    }

    static R ZeroShot(double testIn) => new(0, "zero_shot", true, 0, testIn, 0);
    static R Final(double val, double testIn, double testOut) => new(2, "final", true, val, testIn, testOut);

    /// <summary>
    /// Training-domain validation, per seed: a/1: trial 0's best record is step 1 (val .7, in .60)
    /// over trial 1's .6 -> 60; a/2: trial 1 (.8 over .5) -> 70; b/1: a tie at .6, the lower trial
    /// -> 80; b/2: one trial -> 60. ERM: a = [60, 70] -> 65 ± 5/sqrt2 = 3.5; b = [80, 60] -> 70 ±
    /// 10/sqrt2 = 7.1; Avg 67.5. Oracle (last delivered record, test out picks): a/1 trial 1 (out .9)
    /// -> 90, a/2 trial 0 (.5 over .1) -> 50, b/1 trial 1 (.4 over .3) -> 20, b/2 -> 60: a = 70 ±
    /// 14.1, b = 40 ± 14.1, Avg 55. ZS (first zero-shot record per test domain and seed): a = [10,
    /// 20], b = [30, 40] -> 15 ± 3.5, 35 ± 3.5, Avg 25. Across datasets (per seed the mean over
    /// the dataset's test domains): ERM D1 = [(60+80)/2, (70+60)/2] = [70, 65] -> 67.5 ± 2.5/sqrt2;
    /// D2 = [30, 50] -> 40 ± 7.1; Avg 53.75. ZS D1 = [20, 30] -> 25, D2 = [10, 10] -> 10, Avg 17.5.
    /// </summary>
    void WriteSweep()
    {
        Run("e-a1-0", "D1", "erm", "erm", "a", 1, 0, null, ZeroShot(.10), new(1, "current", true, .7, .60, .2), new(2, "current", true, .65, .61, .2), Final(.65, .61, .2));
        Run("e-a1-1", "D1", "erm", "erm", "a", 1, 1, null, ZeroShot(.10), Final(.6, .9, .9));
        Run("e-a2-0", "D1", "erm", "erm", "a", 2, 0, null, ZeroShot(.20), Final(.5, .5, .5));
        Run("e-a2-1", "D1", "erm", "erm", "a", 2, 1, null, ZeroShot(.20), Final(.8, .7, .1));
        Run("e-b1-0", "D1", "erm", "erm", "b", 1, 0, null, ZeroShot(.30), Final(.6, .8, .3));
        Run("e-b1-1", "D1", "erm", "erm", "b", 1, 1, null, ZeroShot(.30), Final(.6, .2, .4));
        Run("e-b2-0", "D1", "erm", "erm", "b", 2, 0, null, ZeroShot(.40), Final(.5, .6, .5));
        // HAM delivers its historical average: its current and final records are not candidates.
        Run("h0", "D1", "ham", "ham", "a", 1, 0, new JsonObject { ["lambda"] = 0.0 }, new(0, "zero_shot", false, .9, .10, .9),
            new(1, "current", false, .9, .99, .9), new(2, "historical", true, .5, .55, .5), new(2, "final", false, .9, .99, .9));
        Run("h1", "D1", "ham", "ham", "a", 1, 0, new JsonObject { ["lambda"] = 1.0 }, new(0, "zero_shot", false, .9, .10, .9),
            new(2, "historical", true, .5, .65, .5), new(2, "final", false, .9, .99, .9));
        Run("x1", "D2", "erm", "erm", "x", 1, 0, null, ZeroShot(.10), Final(.5, .3, .5));
        Run("x2", "D2", "erm", "erm", "x", 2, 0, null, ZeroShot(.10), Final(.5, .5, .5));
        // Killed before its end: left out.
        Run("killed", "D1", "erm", "erm", "b", 2, 1, null, ZeroShot(.40), new(1, "current", true, 1, 1, 1));
    }

    static ResultTable Table(SweepReport report, string? dataset, SelectionMethod selection) =>
        report.Tables.Single(t => t.Dataset == dataset && t.Selection.GetType() == selection.GetType()).Table;

    [Fact]
    public void CellsAreMeansAndStandardErrorsOfTheSelectedTrialsOverSeeds()
    {
        WriteSweep();
        var report = SweepReport.Collect(_dir);
        Assert.Equal(1, report.Unfinished);
        Assert.Equal([("D1", "training-domain validation"), ("D2", "training-domain validation"), (null, "training-domain validation"),
            ("D1", "test-domain validation (oracle)"), ("D2", "test-domain validation (oracle)"), (null, "test-domain validation (oracle)")],
            report.Tables.Select(t => (t.Dataset, t.Selection.Name)));

        var d1 = Table(report, "D1", new TrainingDomainValidation());
        Assert.Equal(["a", "b"], d1.Columns);
        Assert.Equal(["ZS", "ham (lambda=0)", "ham (lambda=1)", "erm"], d1.Rows);
        AssertCell(d1.Cell("erm", "a"), 65, 5 / Math.Sqrt(2), 2);
        AssertCell(d1.Cell("erm", "b"), 70, 10 / Math.Sqrt(2), 2);
        Assert.Equal(67.5, d1.Average("erm")!.Value, 10);
        AssertCell(d1.Cell("ZS", "a"), 15, 5 / Math.Sqrt(2), 2);
        AssertCell(d1.Cell("ZS", "b"), 35, 5 / Math.Sqrt(2), 2);
        Assert.Equal(25, d1.Average("ZS")!.Value, 10);
        AssertCell(d1.Cell("ham (lambda=0)", "a"), 55, 0, 1);
        AssertCell(d1.Cell("ham (lambda=1)", "a"), 65, 0, 1);
        Assert.Null(d1.Cell("ham (lambda=0)", "b"));
        Assert.Null(d1.Average("ham (lambda=0)"));   // no b: no average, as DomainBed's X

        var oracle = Table(report, "D1", new TestDomainOracle());
        AssertCell(oracle.Cell("erm", "a"), 70, 20 / Math.Sqrt(2), 2);
        AssertCell(oracle.Cell("erm", "b"), 40, 20 / Math.Sqrt(2), 2);
        Assert.Equal(55, oracle.Average("erm")!.Value, 10);

        var d2 = Table(report, "D2", new TrainingDomainValidation());
        Assert.Equal(["x"], d2.Columns);
        Assert.Equal(["ZS", "erm"], d2.Rows);
        AssertCell(d2.Cell("erm", "x"), 40, 10 / Math.Sqrt(2), 2);

        var cross = Table(report, null, new TrainingDomainValidation());
        Assert.Equal(["D1", "D2"], cross.Columns);
        Assert.Equal(["ZS", "ham (lambda=0)", "ham (lambda=1)", "erm"], cross.Rows);
        AssertCell(cross.Cell("erm", "D1"), 67.5, 2.5 / Math.Sqrt(2), 2);
        AssertCell(cross.Cell("erm", "D2"), 40, 10 / Math.Sqrt(2), 2);
        Assert.Equal(53.75, cross.Average("erm")!.Value, 10);
        AssertCell(cross.Cell("ZS", "D1"), 25, 5 / Math.Sqrt(2), 2);
        Assert.Equal(17.5, cross.Average("ZS")!.Value, 10);
        Assert.Null(cross.Cell("ham (lambda=1)", "D1"));   // seed 1 lacks test domain b
    }

    static void AssertCell(ResultCell? cell, double mean, double standardError, int seeds)
    {
        Assert.NotNull(cell);
        Assert.Equal(mean, cell.Mean, 9);
        Assert.Equal(standardError, cell.StandardError, 9);
        Assert.Equal(seeds, cell.Seeds);
    }

    [Fact]
    public void MarkdownCsvAndLatexHoldTheSameCells()
    {
        WriteSweep();
        var report = SweepReport.Collect(_dir);
        var markdown = ReportFormats.Markdown(report, counts: true).Split('\n');
        int at = Array.IndexOf(markdown, "### D1, training-domain validation");
        Assert.Equal(["", "| variant | a | b | Avg |", "| --- | --- | --- | --- |", "| ZS | 15.0 ± 3.5 (2) | 35.0 ± 3.5 (2) | 25.0 |",
            "| ham (lambda=0) | 55.0 ± 0.0 (1) | X | X |", "| ham (lambda=1) | 65.0 ± 0.0 (1) | X | X |", "| erm | 65.0 ± 3.5 (2) | 70.0 ± 7.1 (2) | 67.5 |"],
            markdown[(at + 1)..(at + 8)]);
        Assert.Contains("| erm | 65.0 ± 3.5 | 70.0 ± 7.1 | 67.5 |", ReportFormats.Markdown(report, counts: false));

        var csv = ReportFormats.Csv(report).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("table,selection,row,column,mean,standard_error,seeds", csv[0]);
        var erm = csv.Single(l => l.StartsWith("averages,training-domain validation,erm,D1,")).Split(',');
        Assert.Equal(67.5, double.Parse(erm[4], CultureInfo.InvariantCulture), 10);
        Assert.Equal(2.5 / Math.Sqrt(2), double.Parse(erm[5], CultureInfo.InvariantCulture), 10);
        Assert.Equal("2", erm[6]);
        Assert.Single(csv, l => l.StartsWith("D1,test-domain validation (oracle),erm,b,40,"));
        Assert.DoesNotContain(csv, l => l.Contains("ham (lambda=0),b"));   // no value, no line

        string latex = ReportFormats.Latex(report, counts: false);
        Assert.Equal(6, latex.Split("\\begin{tabular}{l").Length - 1);
        Assert.Equal(6, latex.Split("\\bottomrule").Length - 1);
        Assert.Contains("\\begin{tabular}{lccc}", latex);   // D1: a, b, Avg
        Assert.Contains("erm & 65.0 $\\pm$ 3.5 & 70.0 $\\pm$ 7.1 & 67.5 \\\\", latex);
        Assert.Contains("\\textbf{Variant} & \\textbf{a} & \\textbf{b} & \\textbf{Avg} \\\\", latex);
    }

    /// <summary>Two copies of one job, or two runs of one slot that resolved other hyperparameters, would be pooled: the report names both and refuses.</summary>
    [Fact]
    public void TwoRunsOfOneJobAreRefusedNotPooled()
    {
        Run("a", "D2", "erm", "erm", "x", 1, 0, null, ZeroShot(.1), Final(.5, .3, .5));
        Run("b", "D2", "erm", "erm", "x", 1, 0, null, ZeroShot(.1), Final(.5, .3, .5));
        var error = Assert.Throws<InvalidDataException>(() => SweepReport.Collect(_dir));
        Assert.Contains("same configuration", error.Message);
        Assert.Contains(Path.Combine(_dir, "a", "results.jsonl"), error.Message);
        var text = File.ReadAllText(Path.Combine(_dir, "b", "results.jsonl")).Replace("\"lr\":5E-06", "\"lr\":0.001");
        Assert.Contains("0.001", text);
        File.WriteAllText(Path.Combine(_dir, "b", "results.jsonl"), text);
        Assert.Contains("differ in hyperparameters", Assert.Throws<InvalidDataException>(() => SweepReport.Collect(_dir)).Message);
    }

    /// <summary>Rows that share a label but not a configuration are told apart by what differs: here the checkpoint.</summary>
    [Fact]
    public void RowsOfOneVariantNameWhatDiffers()
    {
        Run("a", "D2", "erm", "erm", "x", 1, 0, null, ZeroShot(.1), Final(.5, .3, .5));
        Run("b", "D2", "erm", "erm", "x", 1, 0, null, ZeroShot(.1), Final(.5, .4, .5));
        string path = Path.Combine(_dir, "b", "results.jsonl");
        File.WriteAllText(path, File.ReadAllText(path).Replace("/models/clip.pt", "/models/other.pt"));
        var table = Table(SweepReport.Collect(_dir), "D2", new TrainingDomainValidation());
        Assert.Equal(["ZS (checkpoint=/models/clip.pt)", "ZS (checkpoint=/models/other.pt)", "erm (checkpoint=/models/clip.pt)", "erm (checkpoint=/models/other.pt)"], table.Rows);
        Assert.Equal(40, table.Cell("erm (checkpoint=/models/other.pt)", "x")!.Mean, 10);
    }

    /// <summary>The bar chart draws one bar per row and column at its mean (Avg included), none where a cell is missing.</summary>
    [Fact]
    public void PlotBarsStandAtTheMeans()
    {
        var table = new ResultTable("t", ["art", "sketch"]);
        foreach (double a in new[] { 50.0, 70 }) table.Add("ERM", "art", a);
        table.Add("ERM", "sketch", 40);
        table.Add("HAM", "art", 80);
        var svg = System.Xml.Linq.XDocument.Parse(ResultPlot.Svg(table, "t"));
        var bars = svg.Descendants().Where(e => (string?)e.Attribute("class") == "bar").ToList();
        Assert.Equal(4, bars.Count);   // ERM: art, sketch, Avg; HAM: art only
        double Top(string label) => double.Parse(bars.Single(b => b.Value.StartsWith(label)).Attribute("y")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(ResultPlot.Y(60), Top("ERM, art"), 2);
        Assert.Equal(ResultPlot.Y(40), Top("ERM, sketch"), 2);
        Assert.Equal(ResultPlot.Y(50), Top("ERM, Avg"), 2);
        Assert.Equal(ResultPlot.Y(80), Top("HAM, art"), 2);
    }

    [Fact]
    public void AFolderWithoutRecordsIsAnErrorNamingIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => SweepReport.Collect(_dir));
        Assert.Contains(_dir, error.Message);
    }
}
