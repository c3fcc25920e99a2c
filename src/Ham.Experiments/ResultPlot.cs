using System.Globalization;
using Ham.Training;

namespace Ham.Experiments;

/// <summary>
/// The results table as an SVG bar chart: one group per column (test domain, and Avg), one bar per row
/// at its mean test accuracy, with a ± standard-error whisker; the y axis runs 0-100%.
/// </summary>
public static class ResultPlot
{
    const int Height = 380, Left = 50, Right = 170, Top = 40, Bottom = 50, GroupWidth = 110;

    /// <summary>The y pixel of an accuracy in % (Top at 100, Height - Bottom at 0).</summary>
    public static double Y(double percent) => Height - Bottom - percent / 100 * (Height - Top - Bottom);

    public static string Svg(ResultTable table, string title)
    {
        var groups = table.Columns.Append("Avg").ToList();
        int width = Left + GroupWidth * groups.Count + Right;
        double barWidth = (GroupWidth - 20.0) / table.Rows.Count;
        var svg = SvgStyle.Open(width, Height, title);
        for (int percent = 0; percent <= 100; percent += 20)
        {
            svg.Append($"<line x1=\"{Left}\" y1=\"{F(Y(percent))}\" x2=\"{width - Right}\" y2=\"{F(Y(percent))}\" stroke=\"#ddd\"/>\n");
            svg.Append($"<text x=\"{Left - 6}\" y=\"{F(Y(percent))}\" text-anchor=\"end\" dominant-baseline=\"middle\">{percent}</text>\n");
        }
        svg.Append($"<text x=\"14\" y=\"{Height / 2}\" transform=\"rotate(-90 14 {Height / 2})\" text-anchor=\"middle\">test accuracy %</text>\n");
        for (int g = 0; g < groups.Count; g++)
        {
            double x0 = Left + GroupWidth * g + 10;
            svg.Append($"<text x=\"{F(x0 + (GroupWidth - 20) / 2.0)}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{SvgStyle.Escape(groups[g])}</text>\n");
            for (int m = 0; m < table.Rows.Count; m++)
            {
                string method = table.Rows[m];
                var (mean, error) = groups[g] == "Avg"
                    ? (table.Average(method), 0.0)
                    : table.Cell(method, groups[g]) is { } cell ? (cell.Mean, cell.StandardError) : ((double?)null, 0.0);
                if (mean is not { } value) continue;
                double x = x0 + m * barWidth, centre = x + barWidth / 2;
                svg.Append($"<rect class=\"bar\" x=\"{F(x)}\" y=\"{F(Y(value))}\" width=\"{F(barWidth - 2)}\" height=\"{F(Y(0) - Y(value))}\" fill=\"{SvgStyle.Colour(m)}\"><title>{SvgStyle.Escape(method)}, {SvgStyle.Escape(groups[g])}: {F(value)}</title></rect>\n");
                if (error > 0)
                    svg.Append($"<line x1=\"{F(centre)}\" y1=\"{F(Y(value + error))}\" x2=\"{F(centre)}\" y2=\"{F(Y(value - error))}\" stroke=\"black\"/>\n");
            }
        }
        svg.Append($"<line x1=\"{Left}\" y1=\"{F(Y(0))}\" x2=\"{width - Right}\" y2=\"{F(Y(0))}\" stroke=\"black\"/>\n");
        for (int m = 0; m < table.Rows.Count; m++)
        {
            int y = Top + 10 + 18 * m;
            svg.Append($"<rect x=\"{width - Right + 10}\" y=\"{y - 6}\" width=\"12\" height=\"12\" fill=\"{SvgStyle.Colour(m)}\"/>\n");
            svg.Append($"<text x=\"{width - Right + 28}\" y=\"{y}\" dominant-baseline=\"middle\">{SvgStyle.Escape(table.Rows[m])}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
