namespace Ham.Experiments;

/// <summary>One table cell: test accuracy in % over trial seeds, mean ± standard error, and how many seeds.</summary>
public sealed record ResultCell(double Mean, double StandardError, int Seeds);

/// <summary>
/// A results table like the paper's and DomainBed's collect_results: rows (variants), columns
/// (test domains, or datasets), each cell the values of its trial seeds in %, shown as mean ±
/// standard error with SE = std / sqrt(n), std the population one (numpy's default, as
/// DomainBed's format_mean computes it), and "Avg", the mean of the column means, given only when
/// the row has every column (DomainBed prints X otherwise).
/// </summary>
public sealed class ResultTable(string title, IReadOnlyList<string> columns)
{
    readonly List<string> rows = [];
    readonly Dictionary<(string Row, string Column), List<double>> values = [];

    public string Title => title;
    public IReadOnlyList<string> Columns => columns;

    /// <summary>The rows in the order they were first added to.</summary>
    public IReadOnlyList<string> Rows => rows;

    /// <summary>A row, with no values yet (shown with X in every cell until it has some).</summary>
    public void AddRow(string row)
    {
        if (!rows.Contains(row)) rows.Add(row);
    }

    public void Add(string row, string column, double percent)
    {
        if (!columns.Contains(column)) throw new ArgumentException($"table '{title}' has no column '{column}'");
        AddRow(row);
        if (!values.TryGetValue((row, column), out var list)) values[(row, column)] = list = [];
        list.Add(percent);
    }

    public ResultCell? Cell(string row, string column)
    {
        if (!values.TryGetValue((row, column), out var list)) return null;
        double mean = list.Average();
        double std = Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / list.Count);
        return new ResultCell(mean, std / Math.Sqrt(list.Count), list.Count);
    }

    /// <summary>The mean of the column means; null unless the row has every column.</summary>
    public double? Average(string row)
    {
        var cells = columns.Select(c => Cell(row, c)).ToList();
        return cells.Any(c => c is null) ? null : cells.Average(c => c!.Mean);
    }
}
