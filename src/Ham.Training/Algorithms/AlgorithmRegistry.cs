using Ham.Training.Hyperparameters;
using static Ham.Training.Hyperparameters.AlgorithmHyperparameters;

namespace Ham.Training.Algorithms;

/// <summary>
/// Every training algorithm by the name `ham train --method` takes (DomainBed's ALGORITHMS): a
/// one-line summary for help text, its own hyperparameters (the backbone's common ones are added
/// by <see cref="HyperparameterSpace"/>) and the constructor. Tests iterate it, so a new algorithm
/// is covered by adding its line here.
/// </summary>
public static class AlgorithmRegistry
{
    public sealed record Entry(string Name, string Summary, IReadOnlyList<Hyperparameter> Hyperparameters, Func<AlgorithmContext, Algorithm> Create);

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("ham", "HAM: per-source models with SAE and OPA, historical averages merged by RHM",
            [Lambda, Trim, Beta, Sae, Opa, Merge, Density, Drop, TrimScope, BnStatistics, Averaged], c => new HamAlgorithm(c)),
        new("per-source", "one model per source, final weights merged", [Merge, Trim, Density, Drop, TrimScope, BnStatistics, Beta, FinalWeights], c => new PerSource(c)),
        new("erm", "one model on every source's batch (DomainBed's ERM)", [Beta, FinalWeights], c => new Erm(c)),
        new("clipood", "CLIPood: margin metric softmax and a Beta moving average (CLIP only)", [Margin, Beta, Averaged], c => new ClipOod(c)),
        new("irm", "invariant risk minimization (IRMv1, DomainBed's IRM)", [IrmLambda, IrmPenaltyAnnealIters, Beta, FinalWeights], c => new Irm(c)),
        new("coral", "Deep CORAL: feature means and covariances aligned across sources", [MmdGamma, Beta, FinalWeights], c => new Coral(c)),
        new("mmd", "Gaussian-kernel MMD between every pair of sources' features", [MmdGamma, Beta, FinalWeights], c => new Mmd(c)),
        new("mixup", "inter-domain mixup of pairs of source batches", [MixupAlpha, Beta, FinalWeights], c => new Mixup(c)),
    ];

    public static IEnumerable<string> Names => All.Select(e => e.Name);

    public static Entry Get(string name) => All.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown training method '{name}'; the methods are {string.Join(", ", Names)}");
}
