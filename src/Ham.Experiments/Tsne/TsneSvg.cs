using System.Globalization;
using Ham.Training;

namespace Ham.Experiments.Tsne;

/// <summary>A <see cref="TsneFigure"/> as SVG: framed panels of circles in the shared palette, legends and titles.</summary>
public static class TsneSvg
{
    public const double Radius = 2.5;

    public static string Render(TsneFigure figure)
    {
        var svg = SvgStyle.Open(figure.Width, figure.Height, figure.Title);
        string[] panelNames = ["by class", "by domain"];
        for (int row = 0; row < figure.Rows.Count; row++)
        {
            var pixels = figure.PanelPixels(row);
            var (rowX, rowY) = figure.PanelOrigin(row, 0);
            svg.Append($"<text x=\"{rowX}\" y=\"{rowY - 8}\">{SvgStyle.Escape(figure.RowTitle(row))}</text>\n");
            for (int column = 0; column < 2; column++)
            {
                var (x0, y0) = figure.PanelOrigin(row, column);
                svg.Append($"<g class=\"panel\" transform=\"translate({x0} {y0})\">\n");
                svg.Append($"<rect width=\"{TsneFigure.Panel}\" height=\"{TsneFigure.Panel}\" fill=\"none\" stroke=\"#999\"/>\n");
                svg.Append($"<text x=\"{TsneFigure.Panel - 6}\" y=\"14\" text-anchor=\"end\" fill=\"#555\">{panelNames[column]}</text>\n");
                for (int i = 0; i < pixels.Count; i++)
                    svg.Append($"<circle cx=\"{F(pixels[i].X)}\" cy=\"{F(pixels[i].Y)}\" r=\"{F(Radius)}\" fill=\"{SvgStyle.Colour(figure.Series(row, column, i))}\" fill-opacity=\"0.8\"/>\n");
                svg.Append("</g>\n");
                foreach (var (x, y, series, label) in figure.LegendEntries(row, column))
                {
                    svg.Append($"<rect x=\"{x}\" y=\"{y}\" width=\"10\" height=\"10\" fill=\"{SvgStyle.Colour(series)}\"/>\n");
                    svg.Append($"<text x=\"{x + 16}\" y=\"{y + 5}\" dominant-baseline=\"middle\">{SvgStyle.Escape(label)}</text>\n");
                }
            }
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
