using Ham.Data.Datasets;
using Ham.Data.Splits;
using Ham.Merging;
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
/// merge, with the models it merges.
/// </summary>
public static class DataAwareMerges
{
    public const int DefaultSamples = 256;

    public static IReadOnlyList<string> Names { get; } = ["regmean", "fisher", "greedy-soup"];

    public static (MergeMethod Method, IReadOnlyList<string> Models) Prepare(string method, IReadOnlyList<string> models, MergeOptions options,
        MergeData data, Action<string> log)
    {
        var dataset = DomainDataset.Open(data.Root);
        switch (method)
        {
            case "regmean":
                return (new RegMean(PerModel(models, dataset, data, options, RegMeanGrams.Of, log), options.Alpha ?? RegMean.DefaultAlpha), models);
            case "fisher":
                return (new FisherMerge(PerModel(models, dataset, data, options, (m, d, s, dev) => DiagonalFisher.Of(m, d, s, dev), log)), models);
            case "greedy-soup":
                var chosen = SelectSoup(models, dataset, data, log);
                return (MergeMethod.Create("average", new MergeOptions()), chosen);
            default:
                throw new ArgumentException($"unknown data-aware merge method '{method}'; they are {string.Join(", ", Names)}");
        }
    }

    static IReadOnlyList<IReadOnlyDictionary<string, Tensor>> PerModel(IReadOnlyList<string> models, DomainDataset dataset, MergeData data, MergeOptions options,
        Func<string, DomainDataset, DomainSample, Device, IReadOnlyDictionary<string, Tensor>> statistics, Action<string> log)
    {
        if (data.Domains is not { } domains || domains.Count != models.Count)
            throw new ArgumentException($"--domains: expected one domain of {data.Root} per model ({models.Count}), got {data.Domains?.Count ?? 0}");
        return models.Select((model, i) =>
        {
            var sample = new DomainSample(dataset, domains[i], data.Samples, (ulong)options.Seed);
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
