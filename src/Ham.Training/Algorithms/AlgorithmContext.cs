using Ham.Torch;
using Ham.Training.Backbones;
using Ham.Training.Distributed;
using Ham.Training.Hyperparameters;

namespace Ham.Training.Algorithms;

/// <summary>What an algorithm is built from: the backbone, its resolved hyperparameters, the sources, and how the run is set up.</summary>
public sealed record AlgorithmContext(
    Backbone Backbone,
    HyperparameterValues Hyperparameters,
    IReadOnlyList<string> Sources,
    int Seed,
    bool TrainBatchNorm,
    Device Device,
    Precision Precision)
{
    public int Steps => Hyperparameters.Int("steps");

    /// <summary>Which sources this process trains and how cross-source quantities are formed (every source here, unless the run spans ranks).</summary>
    public SourceGroup SourceGroup { get; init; } = SourceGroup.SingleProcess(Sources.Count);

    /// <summary>Beta(beta, beta) of the historical average every model keeps.</summary>
    public double AverageBeta => Hyperparameters.Double("beta");
}
