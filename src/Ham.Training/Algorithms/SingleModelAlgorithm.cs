using Ham.Torch;

namespace Ham.Training.Algorithms;

/// <summary>The shape of DomainBed's one-network algorithms (ERM, CLIPood, IRM, CORAL, MMD, Mixup): one model trained on every source's batch.</summary>
public abstract class SingleModelAlgorithm : Algorithm
{
    protected SingleModelAlgorithm(AlgorithmContext context, string name) : base(context) => Model = new TrainedModel(name, context);

    protected TrainedModel Model { get; }

    public override IReadOnlyList<TrainedModel> Models => [Model];

    /// <summary>a + b, where a null a is zero: sums over sources without a zero tensor of the right device and dtype.</summary>
    protected static Tensor Sum(Tensor? a, Tensor b) => a is null ? b : a + b;
}
