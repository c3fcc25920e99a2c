using Ham.Data.Datasets;
using Ham.Data.Splits;
using Ham.Merging;
using Ham.Merging.Parameters;
using Ham.Torch;
using Ham.Training;
using Ham.Training.Backbones;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// Where `ham merge --data DIR` images come from: <see cref="Domains"/> names each model's own
/// domain (regmean, fisher), <see cref="TestDomain"/> the held-out domain of the DomainBed split
/// whose source out-splits validate a greedy soup.
/// </summary>
public sealed record MergeData(string Root, IReadOnlyList<string>? Domains, string? TestDomain, int Samples, int TrialSeed, Device Device);

/// <summary>
/// The `ham merge` methods that read images: each computes its statistics from the checkpoints
/// (any backbone <see cref="Backbone.Open"/> reads) and returns the method that streams the
/// merge, with the models it merges. Their parameters, data options included, are declared here
/// as the streaming methods' are in theirs (<see cref="Declarations"/>), for the flags and the YAML config.
/// </summary>
public static class DataAwareMerges
{
    static readonly TextParameter Data = new("data", null, "the dataset folder (DIR/<domain>/<class>/<image>)", Path: true);

    static readonly TextListParameter Domains = new("domains", "each model's own domain of the data, in the order of the models");

    static readonly TextParameter TestDomain = new("test-domain", null, "the held-out domain; validation is the other domains' DomainBed out-splits");

    static readonly IntegerParameter TrialSeed = new("trial-seed", 0, "DomainBed trial seed of the split", Low: 0);

    static readonly IntegerParameter Samples = new("samples", 256, "images per model, a seeded sample of its domain", Low: 1, High: int.MaxValue);

    static readonly IntegerParameter SampleSeed = new("seed", 0, "seed of the image sample");

    static readonly TextParameter DeviceName = new("device", "cpu", "where the statistics are computed: cpu, cuda or cuda:N");

    static readonly NumberParameter Alpha = new("alpha", RegMean.DefaultAlpha, 0, 1, "scale of the Gram matrices' off-diagonals", Scalar: true);

    public static IReadOnlyList<MethodDeclaration> Declarations { get; } =
    [
        new("regmean", [Alpha, Data, Domains, Samples, SampleSeed, DeviceName]),
        new("fisher", [Data, Domains, Samples, SampleSeed, DeviceName]),
        new("greedy-soup", [Data, TestDomain, TrialSeed, DeviceName]),
    ];

    public static IReadOnlyList<string> Names { get; } = Declarations.Select(d => d.Name).ToList();

    /// <summary>The images <paramref name="options"/> name (data, domains, test-domain, samples, trial-seed, device), checked for <paramref name="method"/>.</summary>
    public static MergeData DataOf(string method, MergeOptions options)
    {
        Declaration(method).Check(options);
        string root = Data.Of(options) ?? throw new ArgumentException($"{method}: --data is required (the images its statistics are computed on)");
        return new MergeData(root, Domains.Of(options), TestDomain.Of(options), (int)Samples.Of(options), (int)TrialSeed.Of(options),
            Devices.Require(Device.Parse(DeviceName.Of(options)!)));
    }

    /// <summary>Statistics on the images <paramref name="options"/> name, then the method; see <see cref="Prepare(string, IReadOnlyList{string}, MergeOptions, MergeData, Action{string})"/>.</summary>
    public static (MergeMethod Method, IReadOnlyList<string> Models) Prepare(string method, IReadOnlyList<string> models, MergeOptions options, Action<string> log) =>
        Prepare(method, models, options, DataOf(method, options), log);

    public static (MergeMethod Method, IReadOnlyList<string> Models) Prepare(string method, IReadOnlyList<string> models, MergeOptions options,
        MergeData data, Action<string> log)
    {
        Declaration(method).Check(options);
        var dataset = DomainDataset.Open(data.Root);
        switch (method)
        {
            case "regmean":
                return (new RegMean(PerModel(models, dataset, data, options, RegMeanGrams.Of, log), Alpha.Of(options)), models);
            case "fisher":
                return (new FisherMerge(PerModel(models, dataset, data, options, (m, d, s, dev) => DiagonalFisher.Of(m, d, s, dev), log)), models);
            default: // greedy-soup
                var chosen = SelectSoup(models, dataset, data, log);
                return (MergeMethod.Create("average", new MergeOptions()), chosen);
        }
    }

    static MethodDeclaration Declaration(string method) => Declarations.FirstOrDefault(d => d.Name == method)
        ?? throw new ArgumentException($"unknown data-aware merge method '{method}'; they are {string.Join(", ", Names)}");

    static IReadOnlyList<IReadOnlyDictionary<string, Tensor>> PerModel(IReadOnlyList<string> models, DomainDataset dataset, MergeData data, MergeOptions options,
        Func<string, DomainDataset, DomainSample, Device, IReadOnlyDictionary<string, Tensor>> statistics, Action<string> log)
    {
        if (data.Domains is not { } domains || domains.Count != models.Count)
            throw new ArgumentException($"--domains: expected one domain of {data.Root} per model ({models.Count}), got {data.Domains?.Count ?? 0}");
        return models.Select((model, i) =>
        {
            var sample = new DomainSample(dataset, domains[i], data.Samples, (ulong)SampleSeed.Of(options));
            log($"{model}: {sample.Images.Count} images of '{domains[i]}'");
            return statistics(model, dataset, sample, data.Device);
        }).ToList();
    }

    static IReadOnlyList<string> SelectSoup(IReadOnlyList<string> models, DomainDataset dataset, MergeData data, Action<string> log)
    {
        if (data.TestDomain is null) throw new ArgumentException("greedy-soup: --test-domain is required (validation is the other domains' held-out split)");
        var splits = DomainBedSplit.ForDomains(dataset.Domains.Select(d => (d.Name, d.Images.Count)).ToList(), dataset.IndexOf(data.TestDomain), data.TrialSeed);
        var backbones = models.Select(m => Backbone.Open(m, dataset.Classes, new BackboneOptions())).ToList();
        try
        {
            using var evaluation = new SplitEvaluation(backbones[0], dataset, splits, dataset.IndexOf(data.TestDomain), data.Device);
            var (chosen, accuracies) = GreedySoup.Select(backbones.Select(b => b.InitialState).ToList(), state => evaluation.Evaluate(state).Summary["val"]!.GetValue<double>());
            for (int i = 0; i < chosen.Count; i++) log($"soup + {models[chosen[i]]}: validation accuracy {accuracies[i]:F4}");
            return chosen.Select(i => models[i]).ToList();
        }
        finally
        {
            foreach (var b in backbones) b.Dispose();
        }
    }
}
