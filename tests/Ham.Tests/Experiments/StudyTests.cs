using System.Globalization;
using System.Xml.Linq;
using Ham.Experiments.Studies;

namespace Ham.Tests.Experiments;

/// <summary>Study files: the shipped ones read as the paper's tables; a bad one names its line; the sensitivity plot draws what it is given.</summary>
public class StudyTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-study").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static string Shipped(string name) => Path.Combine(SharedData.Repository, "studies", name);

    [Fact]
    public void EveryShippedStudyReads()
    {
        var files = Directory.GetFiles(Path.Combine(SharedData.Repository, "studies"), "*.yaml").Order().ToList();
        Assert.Equal(["figure3-sensitivity.yaml", "opa-forms.yaml", "table2-sae.yaml", "table3-opa-merge.yaml", "table4-trimming.yaml", "table5-averaging.yaml"],
            files.Select(Path.GetFileName));
        foreach (string file in files) Assert.NotEmpty(Study.Read(file).Variants);
    }

    [Fact]
    public void TheOpaMergeStudyIsOpaOffAndOnTimesThreeMerges()
    {
        var study = Study.Read(Shipped("table3-opa-merge.yaml"));
        Assert.Equal("table3-opa-merge", study.Name);
        var grid = study.Variants.Select(v => (v.Algorithm, Lambda: v.Hyperparameters["lambda"], Merge: v.Hyperparameters["merge"])).ToList();
        Assert.Equal(6, grid.Distinct().Count());
        Assert.All(grid, g => Assert.Equal("ham", g.Algorithm));
        Assert.Equal(["0", "1"], grid.Select(g => g.Lambda).Distinct().Order());
        Assert.Equal(["average", "rhm", "ties"], grid.Select(g => g.Merge).Distinct().Order());
    }

    [Fact]
    public void TheSensitivityStudyVariesLambdaAndTrimOneAtATime()
    {
        var study = Study.Read(Shipped("figure3-sensitivity.yaml"));
        Assert.Equal(["lambda", "trim"], study.Sensitivity);
        Assert.Equal(["0.1", "0.5", "1.0"], study.Variants.Where(v => v.Hyperparameters.ContainsKey("lambda")).Select(v => v.Hyperparameters["lambda"]));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (i / 10.0).ToString(CultureInfo.InvariantCulture)),
            study.Variants.Where(v => v.Hyperparameters.ContainsKey("trim")).Select(v => v.Hyperparameters["trim"]));
        Assert.All(study.Variants, v => Assert.Single(v.Hyperparameters));
    }

    [Theory]
    [InlineData("variants:\n  - {label: a, algorithm: nope}\n", "line 2: unknown algorithm 'nope'")]
    [InlineData("variants:\n  - {label: a, algorithm: ham, hyperparameters: {lamda: 1}}\n", "line 2: 'lamda' is not a hyperparameter of ham")]
    [InlineData("variants:\n  - {label: a, algorithm: erm}\n  - {label: a, algorithm: ham}\n", "line 3: label 'a' is used twice")]
    [InlineData("variants:\n  - {label: a, algorithm: ham, hyperparameters: {trim: 1.5}}\n", "line 2: hyperparameter 'trim' must be in [0, 1], got value 1.5")]
    [InlineData("variants:\n  - {label: a, algorithm: ham, hyperparameters: {sae: maybe}}\n", "line 2: hyperparameter 'sae' takes true or false, got 'maybe'")]
    [InlineData("variants:\n  - {label: a, algorithm: ham}\nsensitivity: [lambda]\n", "line 3: no variant sets 'lambda'")]
    [InlineData("name: x\nvariant:\n  - {label: a, algorithm: ham}\n", "line 2: unknown field 'variant'")]
    [InlineData("name: x\n", "'variants' is required")]
    [InlineData("variants:\n  - {label: a, algorithm: ham, steps: 3}\n", "line 2: unknown variant field 'steps'")]
    public void ABadStudyFileNamesItsLine(string yaml, string expected)
    {
        string path = Path.Combine(dir, "study.yaml");
        File.WriteAllText(path, yaml);
        var e = Assert.Throws<InvalidDataException>(() => Study.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    /// <summary>The band spans mean ± SE at each value, in value order, and a higher mean is drawn higher.</summary>
    [Fact]
    public void TheSensitivityPlotDrawsTheMeansAndTheirBands()
    {
        var points = new[] { new SensitivityPoint(0.5, 60, 2), new SensitivityPoint(0.1, 50, 1), new SensitivityPoint(1.0, 55, 0) };
        var svg = XDocument.Parse(SensitivityPlot.Svg("lambda", points, "sensitivity to lambda"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        static (double X, double Y)[] Points(XElement e) => e.Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();
        var mean = Points(svg.Descendants(ns + "polyline").Single(e => (string?)e.Attribute("class") == "mean"));
        var band = Points(svg.Descendants(ns + "polygon").Single(e => (string?)e.Attribute("class") == "se-band"));
        Assert.Equal(3, mean.Length);
        Assert.Equal(6, band.Length);
        Assert.True(mean[0].X < mean[1].X && mean[1].X < mean[2].X);
        Assert.True(mean[1].Y < mean[2].Y && mean[2].Y < mean[0].Y);   // 60 above 55 above 50
        // Upper edge at mean + SE left to right, lower edge at mean - SE right to left; SE 0 closes the band.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(mean[i].X, band[i].X);
            Assert.Equal(mean[i].X, band[5 - i].X);
        }
        double pixelsPerPoint = (mean[0].Y - mean[1].Y) / 10;
        Assert.Equal(mean[0].Y - 1 * pixelsPerPoint, band[0].Y, 3);
        Assert.Equal(mean[1].Y + 2 * pixelsPerPoint, band[4].Y, 3);
        Assert.Equal(mean[2].Y, band[2].Y, 3);
        Assert.Equal(mean[2].Y, band[3].Y, 3);
    }
}
