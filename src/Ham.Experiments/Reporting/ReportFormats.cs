using System.Globalization;
using System.Text;

namespace Ham.Experiments.Reporting;

/// <summary>
/// The report's tables as Markdown (printed and results.md), CSV (results.csv: one line per cell,
/// full precision) and LaTeX (results.tex: booktabs tabulars, as collect_results --latex). Cells
/// are "mean ± SE" with one decimal, "(n)" after it when <c>counts</c> is set (n = trial seeds),
/// X where a row has no value (DomainBed's mark).
/// </summary>
public static class ReportFormats
{
    public static string Markdown(SweepReport report, bool counts)
    {
        var text = new StringBuilder();
        foreach (var (_, _, table) in report.Tables)
        {
            text.AppendLine($"### {table.Title}").AppendLine();
            text.AppendLine($"| variant | {string.Join(" | ", table.Columns)} | Avg |");
            text.AppendLine($"| --- |{string.Concat(Enumerable.Repeat(" --- |", table.Columns.Count + 1))}");
            foreach (string row in table.Rows)
                text.AppendLine($"| {row} | {string.Join(" | ", table.Columns.Select(c => CellText(table.Cell(row, c), counts, " ± ")))} | {AverageText(table.Average(row))} |");
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>table,selection,row,column,mean,standard_error,seeds; table is the dataset, or "averages" for the cross-dataset table.</summary>
    public static string Csv(SweepReport report)
    {
        var text = new StringBuilder("table,selection,row,column,mean,standard_error,seeds\n");
        foreach (var (dataset, selection, table) in report.Tables)
            foreach (string row in table.Rows)
                foreach (string column in table.Columns)
                    if (table.Cell(row, column) is { } c)
                        text.AppendLine(string.Join(",", CsvFields.Quote(dataset ?? "averages"), CsvFields.Quote(selection.Name), CsvFields.Quote(row), CsvFields.Quote(column),
                            R(c.Mean), R(c.StandardError), c.Seeds.ToString(CultureInfo.InvariantCulture)));
        return text.ToString();
    }

    public static string Latex(SweepReport report, bool counts)
    {
        var text = new StringBuilder("% ham report: test accuracy %, mean $\\pm$ standard error over trial seeds\n");
        foreach (var (_, _, table) in report.Tables)
        {
            text.AppendLine($"\\subsubsection*{{{Escape(table.Title)}}}");
            text.AppendLine($"\\begin{{tabular}}{{l{new string('c', table.Columns.Count + 1)}}}");
            text.AppendLine("\\toprule");
            text.AppendLine($"\\textbf{{Variant}} & {string.Join(" & ", table.Columns.Append("Avg").Select(c => $"\\textbf{{{Escape(c)}}}"))} \\\\");
            text.AppendLine("\\midrule");
            foreach (string row in table.Rows)
                text.AppendLine($"{Escape(row)} & {string.Join(" & ", table.Columns.Select(c => CellText(table.Cell(row, c), counts, " $\\pm$ ")))} & {AverageText(table.Average(row))} \\\\");
            text.AppendLine("\\bottomrule");
            text.AppendLine("\\end{tabular}");
            text.AppendLine();
        }
        return text.ToString();
    }

    static string CellText(ResultCell? cell, bool counts, string plusMinus) =>
        cell is null ? "X" : $"{F(cell.Mean)}{plusMinus}{F(cell.StandardError)}{(counts ? $" ({cell.Seeds})" : "")}";

    static string AverageText(double? average) => average is { } a ? F(a) : "X";

    static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>LaTeX's special characters in text.</summary>
    static string Escape(string text) => string.Concat(text.Select(c => c switch
    {
        '\\' => "\\textbackslash{}", '&' or '%' or '$' or '#' or '_' or '{' or '}' => $"\\{c}", '~' => "\\textasciitilde{}", '^' => "\\textasciicircum{}", _ => $"{c}",
    }));
}
