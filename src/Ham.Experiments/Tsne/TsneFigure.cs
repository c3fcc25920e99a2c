using Ham.Training;

namespace Ham.Experiments.Tsne;

/// <summary>
/// The layout of a t-SNE figure, shared by its SVG and its PNG: one row per model, with the points
/// coloured by class on the left and by domain on the right, each panel followed by its legend.
/// A row's two panels show the same points at the same place; each row is scaled to its own
/// embedding with equal units on both axes (t-SNE distances have no preferred direction).
/// </summary>
public sealed class TsneFigure
{
    public const int Panel = 360, Legend = 150, Margin = 20, TitleHeight = 40, RowTitleHeight = 24, LegendRow = 16;

    public TsneFigure(IReadOnlyList<(FeatureSet Features, TsneResult Embedding)> rows, string title)
    {
        if (rows.Count == 0) throw new ArgumentException("a t-SNE figure needs at least one embedding");
        foreach (var (features, embedding) in rows)
            if (features.Points.Count != embedding.Points.Count)
                throw new ArgumentException($"{features.Model}: {features.Points.Count} labelled points but {embedding.Points.Count} embedded");
        Rows = rows;
        Title = title;
        Classes = rows.SelectMany(r => r.Features.Points.Select(p => p.Class)).Distinct().ToList();
        Domains = rows.SelectMany(r => r.Features.Points.Select(p => p.Domain)).Distinct().ToList();
    }

    public IReadOnlyList<(FeatureSet Features, TsneResult Embedding)> Rows { get; }
    public string Title { get; }
    /// <summary>The classes and domains in order of first appearance: a name's colour is <see cref="SvgStyle.Colour"/> of its index.</summary>
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<string> Domains { get; }

    public int Width => Margin + 2 * (Panel + Legend);
    public int Height => TitleHeight + Rows.Count * (RowTitleHeight + Panel + Margin);

    /// <summary>The top-left corner of panel <paramref name="column"/> (0: by class, 1: by domain) of a row.</summary>
    public (int X, int Y) PanelOrigin(int row, int column) =>
        (Margin + column * (Panel + Legend), TitleHeight + row * (RowTitleHeight + Panel + Margin) + RowTitleHeight);

    public string RowTitle(int row)
    {
        var (features, embedding) = Rows[row];
        return $"{features.Model}: {features.Points.Count} points, KL {embedding.KlDivergence:F4} after {embedding.Iterations} iterations";
    }

    /// <summary>The series index (colour) of point <paramref name="index"/> of a row in panel <paramref name="column"/>.</summary>
    public int Series(int row, int column, int index)
    {
        var point = Rows[row].Features.Points[index];
        return column == 0 ? IndexOf(Classes, point.Class) : IndexOf(Domains, point.Domain);
    }

    static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }

    /// <summary>The pixel of each embedded point of a row, relative to its panel's origin.</summary>
    public IReadOnlyList<(double X, double Y)> PanelPixels(int row)
    {
        var points = Rows[row].Embedding.Points;
        double minX = points.Min(p => p.X), maxX = points.Max(p => p.X), minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
        double span = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-12);
        double scale = (Panel - 2 * Inset) / span;
        double offsetX = (Panel - (maxX - minX) * scale) / 2, offsetY = (Panel - (maxY - minY) * scale) / 2;
        return points.Select(p => (offsetX + (p.X - minX) * scale, Panel - offsetY - (p.Y - minY) * scale)).ToList();   // y up
    }

    const int Inset = 12;

    /// <summary>The legend of panel <paramref name="column"/>: (swatch top-left, series, label) for each class or domain.</summary>
    public IEnumerable<(int X, int Y, int Series, string Label)> LegendEntries(int row, int column)
    {
        var (x, y) = PanelOrigin(row, column);
        var names = column == 0 ? Classes : Domains;
        int rows = Math.Min(names.Count, Panel / LegendRow);
        for (int i = 0; i < rows; i++) yield return (x + Panel + 10, y + 4 + i * LegendRow, i, names[i]);
    }
}
