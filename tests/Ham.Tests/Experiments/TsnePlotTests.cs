using System.Xml.Linq;
using Ham.Data.Images;
using Ham.Experiments.Tsne;
using Ham.Training;

namespace Ham.Tests.Experiments;

/// <summary>The t-SNE figure as SVG (parsed as XML) and PNG (decoded by Ham's own PNG reader): the same points, coloured by class and by domain.</summary>
public class TsnePlotTests
{
    static TsneFigure Figure()
    {
        var reference = TsneReference.Load();
        using var features = reference.Features();
        var result = TsneOptimizer.Fit(features, new TsneOptions(reference.Perplexity, 300, TsneInit.Pca));
        // Three classes; two domains, alternating, so the two panels colour the same points differently.
        var points = reference.Labels.Select((label, i) => new LabelledPoint(i % 2 == 0 ? "photo" : "sketch", $"class {label}", $"img{i}.png")).ToList();
        var set = new FeatureSet("m & <zero-shot>", points, new float[points.Count], 1);
        return new TsneFigure([(set, result), (set with { Model = "second" }, result)], "t-SNE test");
    }

    [Fact]
    public void SvgIsValidXmlWithEveryPointInBothPanelsOfEveryRow()
    {
        var figure = Figure();
        var svg = XDocument.Parse(TsneSvg.Render(figure));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var panels = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "panel").ToList();
        Assert.Equal(4, panels.Count);
        int n = figure.Rows[0].Features.Points.Count;
        Assert.All(panels, panel => Assert.Equal(n, panel.Elements(ns + "circle").Count()));
        var byClass = panels[0].Elements(ns + "circle").Select(c => (string)c.Attribute("fill")!).ToList();
        var byDomain = panels[1].Elements(ns + "circle").Select(c => (string)c.Attribute("fill")!).ToList();
        Assert.Equal(3, byClass.Distinct().Count());
        Assert.Equal(2, byDomain.Distinct().Count());
        Assert.Equal(SvgStyle.Colour(figure.Series(0, 0, 0)), byClass[0]);
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains(texts, t => t.StartsWith("m & <zero-shot>: 120 points, KL "));
        Assert.Contains("sketch", texts);
        Assert.Contains("class 2", texts);
    }

    [Fact]
    public void PngDecodesToTheFigureWithEachPointInItsColour()
    {
        var figure = Figure();
        byte[] png = TsnePng.Render(figure);
        string? keep = Environment.GetEnvironmentVariable("HAM_KEEP_TSNE_PNG");
        if (!string.IsNullOrEmpty(keep)) File.WriteAllBytes(keep, png);
        var image = PngCodec.Decode(png, "tsne.png");
        Assert.Equal((figure.Width, figure.Height), (image.Width, image.Height));
        var pixels = figure.PanelPixels(0);
        for (int column = 0; column < 2; column++)
        {
            var (x0, y0) = figure.PanelOrigin(0, column);
            // The last point drawn is on top of any other: its centre pixel has its colour.
            int last = pixels.Count - 1;
            int x = (int)(x0 + pixels[last].X), y = (int)(y0 + pixels[last].Y);
            int at = 3 * (y * image.Width + x);
            Assert.Equal(SvgStyle.Colour(figure.Series(0, column, last)), $"#{image.Pixels[at]:x2}{image.Pixels[at + 1]:x2}{image.Pixels[at + 2]:x2}");
        }
        Assert.Equal(255, image.Pixels[0]);   // white page
    }
}
