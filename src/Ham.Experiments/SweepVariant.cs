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
    /// <summary>
    /// One variant per algorithm, labelled by its name, fixing the sweep's values of the
    /// hyperparameters that algorithm has on <paramref name="backbone"/> (as DomainBed, a sweep's
    /// setting applies to the algorithms that read it: `--merge ties` fixes per-source's merge, not ERM's).
    /// </summary>
    public static IReadOnlyList<SweepVariant> ForMethods(IReadOnlyList<string> algorithms, IReadOnlyDictionary<string, string> hyperparameters, string backbone)
    {
        var spaces = algorithms.Select(a => HyperparameterSpace.For(a, backbone)).ToList();
        if (hyperparameters.Keys.Where(n => spaces.All(s => s.IndexOf(n) < 0)).ToList() is { Count: > 0 } unknown)
            throw new ArgumentException($"no method of the sweep ({string.Join(", ", algorithms)}) has hyperparameter {string.Join(", ", unknown.Select(n => $"'{n}'"))}");
        return spaces.Select(space =>
        {
            var own = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in hyperparameters)
                if (space.IndexOf(name) >= 0) own[name] = value;
            return new SweepVariant(space.Algorithm, space.Algorithm, own);
        }).ToList();
    }
}
