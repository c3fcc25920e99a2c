using Ham.Training.Hyperparameters;

namespace Ham.Experiments;

/// <summary>
/// One row of a sweep's tables: an algorithm with some hyperparameters fixed (by name, as typed)
/// and a label. The sweep crosses every variant with its test domains, hyperparameter trials and
/// seeds; a fixed value overrides the trial's default or draw (DomainBed's `--hparams`). `ham
/// sweep --methods` makes one per algorithm; a study file lists its own.
/// </summary>
public sealed record SweepVariant(string Label, string Algorithm, IReadOnlyDictionary<string, string> Hyperparameters)
{
    /// <summary>One variant per algorithm, labelled by its name, with the sweep's values (<see cref="WithSweepValues"/>).</summary>
    public static IReadOnlyList<SweepVariant> ForMethods(IReadOnlyList<string> algorithms, IReadOnlyDictionary<string, string> hyperparameters, string backbone) =>
        WithSweepValues(algorithms.Select(a => new SweepVariant(a, a, new SortedDictionary<string, string>(StringComparer.Ordinal))).ToList(), hyperparameters, backbone);

    /// <summary>
    /// Each variant fixing also the sweep's values of the hyperparameters its algorithm has on
    /// <paramref name="backbone"/>, under its own (as DomainBed, a sweep's setting applies to the
    /// algorithms that read it: `--merge ties` fixes per-source's merge, not ERM's); a value no
    /// variant's algorithm has is an error.
    /// </summary>
    public static IReadOnlyList<SweepVariant> WithSweepValues(IReadOnlyList<SweepVariant> variants, IReadOnlyDictionary<string, string> hyperparameters, string backbone)
    {
        var spaces = variants.Select(v => HyperparameterSpace.For(v.Algorithm, backbone)).ToList();
        if (hyperparameters.Keys.Where(n => spaces.All(s => s.IndexOf(n) < 0)).ToList() is { Count: > 0 } unknown)
            throw new ArgumentException($"no method of the sweep ({string.Join(", ", variants.Select(v => v.Algorithm).Distinct())}) has hyperparameter {string.Join(", ", unknown.Select(n => $"'{n}'"))}");
        return variants.Select((variant, i) =>
        {
            var own = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in hyperparameters)
                if (spaces[i].IndexOf(name) >= 0) own[name] = value;
            foreach (var (name, value) in variant.Hyperparameters) own[name] = value;
            return variant with { Hyperparameters = own };
        }).ToList();
    }
}
