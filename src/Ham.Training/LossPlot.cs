namespace Ham.Training;

/// <summary>
/// An SVG line plot of each source's training cross-entropy over steps (the paper's Figure 1b),
/// smoothed by a moving average over 1/20 of the run so the trend shows through batch noise.
/// </summary>
static class LossPlot
{
    public static string Svg(IReadOnlyDictionary<string, List<(int Step, double Loss)>> curves, string title)
    {
        const int width = 640, height = 400, left = 60, right = 150, top = 40, bottom = 50;
        var smoothed = curves.ToDictionary(c => c.Key, c => Smooth(c.Value));
        var points = smoothed.Values.SelectMany(c => c).ToList();
        double lastStep = points.Count == 0 ? 1 : points.Max(p => p.Step), highestLoss = points.Count == 0 ? 1 : points.Max(p => p.Loss);
        double stepTick = SvgStyle.NiceTick(lastStep), lossTick = SvgStyle.NiceTick(highestLoss);
        double maxStep = stepTick * Math.Max(1, Math.Ceiling(lastStep / stepTick));
        double maxLoss = lossTick * Math.Max(1, Math.Ceiling(highestLoss / lossTick));
        string X(double step) => F(left + step / maxStep * (width - left - right));
        string Y(double loss) => F(height - bottom - loss / maxLoss * (height - top - bottom));

        var svg = SvgStyle.Open(width, height, title);
        svg.Append($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        svg.Append($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        for (double step = 0; step <= maxStep + stepTick / 2; step += stepTick)
            svg.Append($"<text x=\"{X(step)}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{F(step)}</text>\n");
        for (double loss = 0; loss <= maxLoss + lossTick / 2; loss += lossTick)
            svg.Append($"<text x=\"{left - 6}\" y=\"{Y(loss)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{F(loss)}</text>\n");
        svg.Append($"<text x=\"{(left + width - right) / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">step</text>\n");
        svg.Append($"<text x=\"16\" y=\"{height / 2}\" transform=\"rotate(-90 16 {height / 2})\" text-anchor=\"middle\">training cross-entropy</text>\n");
        int index = 0;
        foreach (var (source, curve) in smoothed)
        {
            string colour = SvgStyle.Colour(index);
            svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{string.Join(" ", curve.Select(p => $"{X(p.Step)},{Y(p.Loss)}"))}\"/>\n");
            int legendY = top + 10 + 18 * index;
            svg.Append($"<line x1=\"{width - right + 10}\" y1=\"{legendY}\" x2=\"{width - right + 30}\" y2=\"{legendY}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
            svg.Append($"<text x=\"{width - right + 36}\" y=\"{legendY}\" dominant-baseline=\"middle\">{SvgStyle.Escape(source)}</text>\n");
            index++;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    static List<(int Step, double Loss)> Smooth(List<(int Step, double Loss)> curve)
    {
        int window = Math.Max(1, curve.Count / 20);
        var smoothed = new List<(int, double)>(curve.Count);
        double sum = 0;
        for (int i = 0; i < curve.Count; i++)
        {
            sum += curve[i].Loss;
            if (i >= window) sum -= curve[i - window].Loss;
            smoothed.Add((curve[i].Step, sum / Math.Min(i + 1, window)));
        }
        return smoothed;
    }

    static string F(double value) => SvgStyle.Number(value);
}
