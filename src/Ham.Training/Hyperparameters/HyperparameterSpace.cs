using Ham.Data.Splits;

namespace Ham.Training.Hyperparameters;

/// <summary>
/// The hyperparameters of one algorithm on one backbone (DomainBed's <c>_hparams(algorithm,
/// dataset, random_seed)</c>): the backbone's common ones (<see cref="BackboneHyperparameters"/>)
/// then the algorithm's own (<see cref="AlgorithmHyperparameters"/>), with DomainBed's seeding:
/// hparams_seed 0 gives the defaults; otherwise random_seed = seed_hash(hparams_seed, trial_seed)
/// and each hyperparameter is drawn from RandomState(seed_hash(random_seed, name)), so a value
/// depends only on the seeds and its own name and distribution, never on the others.
/// </summary>
public sealed class HyperparameterSpace
{
    readonly Dictionary<string, int> index;

    HyperparameterSpace(string algorithm, string backbone, IReadOnlyList<Hyperparameter> parameters)
    {
        Algorithm = algorithm;
        Backbone = backbone;
        Parameters = parameters.ToArray();
        Names = Parameters.Select(p => p.Name).ToArray();
        index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Names.Count; i++)
            if (!index.TryAdd(Names[i], i))
                throw new ArgumentException($"hyperparameter '{Names[i]}' is declared twice for {algorithm} ({backbone}): by the backbone and the algorithm, or twice by one");
    }

    public string Algorithm { get; }
    public string Backbone { get; }
    public IReadOnlyList<Hyperparameter> Parameters { get; }
    public IReadOnlyList<string> Names { get; }

    /// <summary>The space of a registered algorithm (<see cref="Algorithms.AlgorithmRegistry"/>) on "clip" or "resnet".</summary>
    public static HyperparameterSpace For(string algorithm, string backbone) =>
        Of(algorithm, backbone, Algorithms.AlgorithmRegistry.Get(algorithm).Hyperparameters);

    /// <summary>The backbone's common hyperparameters followed by <paramref name="algorithmParameters"/>.</summary>
    public static HyperparameterSpace Of(string algorithm, string backbone, IReadOnlyList<Hyperparameter> algorithmParameters) =>
        new(algorithm, backbone, [.. BackboneHyperparameters.For(backbone), .. algorithmParameters]);

    /// <summary>DomainBed's hparams for a run: defaults or seeded draws, then the overrides (name -> text).</summary>
    public static HyperparameterValues Resolve(string algorithm, string backbone, int hparamsSeed, int trialSeed, IReadOnlyDictionary<string, string> overrides) =>
        For(algorithm, backbone).Resolve(hparamsSeed, trialSeed, overrides);

    /// <summary>Every default (DomainBed's <c>default_hparams</c>, what hparams_seed 0 gives).</summary>
    public HyperparameterValues Defaults() => new(this, Parameters.Select(p => p.Default).ToArray());

    /// <summary>hparams_seed 0: the defaults; otherwise DomainBed's <c>random_hparams(seed_hash(hparams_seed, trial_seed))</c>.</summary>
    public HyperparameterValues Draw(int hparamsSeed, int trialSeed)
    {
        if (hparamsSeed == 0) return Defaults();
        int randomSeed = SeedHash.Of(hparamsSeed, trialSeed);
        return new(this, Parameters.Select(p => p.Draw(new LegacyRandomState(SeedHash.Of(randomSeed, p.Name)))).ToArray());
    }

    /// <summary><see cref="Draw"/>, then each override parsed by its hyperparameter's kind and checked (DomainBed's <c>hparams.update</c>).</summary>
    public HyperparameterValues Resolve(int hparamsSeed, int trialSeed, IReadOnlyDictionary<string, string> overrides)
    {
        var unknown = overrides.Keys.Where(k => IndexOf(k) < 0).ToArray();
        if (unknown.Length > 0) throw UnknownNames(unknown);
        var drawn = Draw(hparamsSeed, trialSeed);
        var values = Parameters.Select(p => overrides.TryGetValue(p.Name, out var text) ? p.Parse(text) : drawn[p.Name]).ToArray();
        return new(this, values);
    }

    public int IndexOf(string name) => index.TryGetValue(name, out int i) ? i : -1;

    internal int IndexOfKnown(string name) => IndexOf(name) is >= 0 and var i ? i : throw UnknownNames([name]);

    internal ArgumentException UnknownNames(IReadOnlyList<string> names) =>
        new($"unknown hyperparameter{(names.Count > 1 ? "s" : "")} {string.Join(", ", names.Select(n => $"'{n}'"))} for {Algorithm} ({Backbone}); its hyperparameters are {string.Join(", ", Names)}");
}
