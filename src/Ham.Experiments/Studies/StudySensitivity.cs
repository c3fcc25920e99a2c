using System.Globalization;
using Ham.Experiments.Reporting;

namespace Ham.Experiments.Studies;

/// <summary>
/// A sensitivity study's curves from its report: for each hyperparameter the study names and each
/// dataset, the variants that fix it, at their value, with the mean ± SE over trial seeds of the
/// dataset's average test accuracy under training-domain validation (the report's first
/// selection method, its cross-dataset table's column for the dataset).
/// </summary>
public static class StudySensitivity
{
    /// <summary>(hyperparameter, dataset, points in value order) for every curve with at least one point.</summary>
    public static IReadOnlyList<(string Parameter, string Dataset, IReadOnlyList<SensitivityPoint> Points)> Curves(Study study, SweepReport report)
    {
        var selection = report.Tables[0].Selection;
        var table = report.Tables.Single(t => t.Dataset is null && t.Selection == selection).Table;
        var curves = new List<(string, string, IReadOnlyList<SensitivityPoint>)>();
        foreach (string parameter in study.Sensitivity)
            foreach (string dataset in table.Columns)
            {
                var points = new List<SensitivityPoint>();
                foreach (var variant in study.Variants.Where(v => v.Hyperparameters.ContainsKey(parameter)))
                    if (table.Cell(variant.Label, dataset) is { } cell)
                        points.Add(new SensitivityPoint(double.Parse(variant.Hyperparameters[parameter], CultureInfo.InvariantCulture), cell.Mean, cell.StandardError));
                if (points.Count > 0) curves.Add((parameter, dataset, points.OrderBy(p => p.Value).ToList()));
            }
        return curves;
    }
}
