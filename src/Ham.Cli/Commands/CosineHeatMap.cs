using System.Globalization;
using Ham.Training;

namespace Ham.Cli.Commands;

/// <summary>
/// The pairwise cosines of update vectors as an SVG heat map: one cell per pair, blue at -1,
/// white at 0, red at +1, the value written in the cell, the models named along both sides.
/// </summary>
static class CosineHeatMap
{
    const int Cell = 56, Margin = 150, Top = 48;

    public static string Svg(double[,] cosines, IReadOnlyList<string> models, string title)
    {
        int n = models.Count, size = Margin + n * Cell + 20;
        var svg = SvgStyle.Open(size, Top + Margin + n * Cell, title);
        for (int i = 0; i < n; i++)
        {
            int y = Top + i * Cell;
            svg.Append($"<text x=\"{Margin - 6}\" y=\"{y + Cell / 2 + 4}\" text-anchor=\"end\">{SvgStyle.Escape(models[i])}</text>\n");
            int x = Margin + i * Cell + Cell / 2;
            int labelY = Top + n * Cell + 10;
            svg.Append($"<text x=\"{x}\" y=\"{labelY}\" text-anchor=\"end\" transform=\"rotate(-45 {x} {labelY})\">{SvgStyle.Escape(models[i])}</text>\n");
            for (int j = 0; j < n; j++)
            {
                double c = cosines[i, j];
                svg.Append($"<rect x=\"{Margin + j * Cell}\" y=\"{y}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"{Colour(c)}\" stroke=\"white\"/>\n");
                svg.Append($"<text x=\"{Margin + j * Cell + Cell / 2}\" y=\"{y + Cell / 2 + 4}\" text-anchor=\"middle\">{c.ToString("F2", CultureInfo.InvariantCulture)}</text>\n");
            }
        }
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>White at 0, towards matplotlib's tab:red (+1) or tab:blue (-1).</summary>
    static string Colour(double cosine)
    {
        double t = Math.Clamp(Math.Abs(cosine), 0, 1);
        var (r, g, b) = cosine >= 0 ? (0xd6, 0x27, 0x28) : (0x1f, 0x77, 0xb4);
        int Mix(int channel) => (int)Math.Round(255 + (channel - 255) * t);
        return $"#{Mix(r):x2}{Mix(g):x2}{Mix(b):x2}";
    }
}
