using System.Text;

namespace Ham.Training;

/// <summary>What Ham's SVG plots share: one palette, the opening with a white page and a title, text escaping.</summary>
public static class SvgStyle
{
    /// <summary>matplotlib's tab10 colours, so series read the same in every plot.</summary>
    public static IReadOnlyList<string> Colours { get; } = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    public static string Colour(int series) => Colours[series % Colours.Count];

    /// <summary>Starts a <paramref name="width"/> x <paramref name="height"/> plot: the svg element, a white page and the centred title.</summary>
    public static StringBuilder Open(int width, int height, string title) => new StringBuilder()
        .Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n")
        .Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n")
        .Append($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");

    /// <summary>A tick spacing of 1, 2 or 5 times a power of ten giving at most five intervals up to <paramref name="span"/>.</summary>
    public static double NiceTick(double span)
    {
        double raw = Math.Max(span, 1e-9) / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        return new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(t => t >= raw);
    }

    /// <summary>A coordinate or label as SVG writes it: invariant culture, at most three decimals.</summary>
    public static string Number(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
