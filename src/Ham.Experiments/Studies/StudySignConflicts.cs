using System.Globalization;
using System.Text;
using Ham.Torch.Serialization;

namespace Ham.Experiments.Studies;

/// <summary>One variant's sign-conflict fraction: the mean over its finished jobs, and how many there are.</summary>
public readonly record struct VariantSignConflicts(string Variant, double MeanFraction, int Runs);

/// <summary>
/// Beside the accuracy tables, what OPA is meant to lower: each variant's sign-conflict fraction
/// of its delivered sources (results.json's `sign_conflict_fraction`, as `ham merge inspect`
/// measures it), the mean over its finished jobs; variants of one-model algorithms have none.
/// </summary>
public static class StudySignConflicts
{
    public static IReadOnlyList<VariantSignConflicts> Of(IEnumerable<SweepJob> jobs) =>
        jobs.Where(j => j.IsDone())
            .GroupBy(j => j.Options.Variant ?? j.Options.Method)
            .Select(g => (g.Key, Fractions: g.Select(j => JsonFile.ReadObject(Path.Combine(j.Options.OutDir, "results.json"))["sign_conflict_fraction"])
                .Where(f => f is not null).Select(f => f!.GetValue<double>()).ToList()))
            .Where(v => v.Fractions.Count > 0)
            .Select(v => new VariantSignConflicts(v.Key, v.Fractions.Average(), v.Fractions.Count)).ToList();

    /// <summary>variant,sign_conflict_fraction,runs</summary>
    public static string Csv(IReadOnlyList<VariantSignConflicts> rows)
    {
        var csv = new StringBuilder("variant,sign_conflict_fraction,runs\n");
        foreach (var row in rows)
            csv.Append($"{CsvFields.Quote(row.Variant)},{row.MeanFraction.ToString("R", CultureInfo.InvariantCulture)},{row.Runs}\n");
        return csv.ToString();
    }
}
