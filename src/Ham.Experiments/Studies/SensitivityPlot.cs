using Ham.Training;

namespace Ham.Experiments.Studies;

/// <summary>One point of a sensitivity curve: a hyperparameter's value and the accuracy (%) at it, mean and standard error over seeds.</summary>
public readonly record struct SensitivityPoint(double Value, double Mean, double StandardError);

/// <summary>
/// The HAM paper's Figure 3 as SVG: accuracy against one hyperparameter's value, the mean as a
/// line with points and a shaded band of ± one standard error over the trial seeds.
/// </summary>
public static class SensitivityPlot
{
    public static string Svg(string parameter, IReadOnlyList<SensitivityPoint> points, string title)
    {
        if (points.Count == 0) throw new ArgumentException($"no points to draw against {parameter}", nameof(points));
        const int width = 560, height = 380, left = 60, right = 30, top = 40, bottom = 50;
        var sorted = points.OrderBy(p => p.Value).ToList();
        double lowValue = sorted[0].Value, highValue = sorted[^1].Value;
        if (highValue == lowValue) (lowValue, highValue) = (lowValue - 0.5, highValue + 0.5);
        double lowAccuracy = sorted.Min(p => p.Mean - p.StandardError), highAccuracy = sorted.Max(p => p.Mean + p.StandardError);
        double accuracyTick = SvgStyle.NiceTick(Math.Max(highAccuracy - lowAccuracy, 1));
        double floor = accuracyTick * Math.Floor(lowAccuracy / accuracyTick), ceiling = accuracyTick * Math.Ceiling(highAccuracy / accuracyTick);
        if (ceiling == floor) ceiling = floor + accuracyTick;
        string X(double value) => SvgStyle.Number(left + (value - lowValue) / (highValue - lowValue) * (width - left - right));
        string Y(double accuracy) => SvgStyle.Number(height - bottom - (accuracy - floor) / (ceiling - floor) * (height - top - bottom));

        var svg = SvgStyle.Open(width, height, title);
        for (double a = floor; a <= ceiling + accuracyTick / 2; a += accuracyTick)
        {
            svg.Append($"<line x1=\"{left}\" y1=\"{Y(a)}\" x2=\"{width - right}\" y2=\"{Y(a)}\" stroke=\"#ddd\"/>\n");
            svg.Append($"<text x=\"{left - 6}\" y=\"{Y(a)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{SvgStyle.Number(a)}</text>\n");
        }
        foreach (var p in sorted)
            svg.Append($"<text x=\"{X(p.Value)}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{SvgStyle.Number(p.Value)}</text>\n");
        svg.Append($"<text x=\"{(left + width - right) / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">{SvgStyle.Escape(parameter)}</text>\n");
        svg.Append($"<text x=\"16\" y=\"{height / 2}\" transform=\"rotate(-90 16 {height / 2})\" text-anchor=\"middle\">test accuracy %</text>\n");
        string colour = SvgStyle.Colour(0);
        var band = sorted.Select(p => $"{X(p.Value)},{Y(p.Mean + p.StandardError)}")
            .Concat(Enumerable.Reverse(sorted).Select(p => $"{X(p.Value)},{Y(p.Mean - p.StandardError)}"));
        svg.Append($"<polygon class=\"se-band\" fill=\"{colour}\" fill-opacity=\"0.2\" stroke=\"none\" points=\"{string.Join(" ", band)}\"/>\n");
        svg.Append($"<polyline class=\"mean\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(" ", sorted.Select(p => $"{X(p.Value)},{Y(p.Mean)}"))}\"/>\n");
        foreach (var p in sorted) svg.Append($"<circle cx=\"{X(p.Value)}\" cy=\"{Y(p.Mean)}\" r=\"3\" fill=\"{colour}\"/>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
