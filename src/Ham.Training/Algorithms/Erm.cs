using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Torch;

namespace Ham.Training.Algorithms;

/// <summary>
/// Empirical risk minimization (Vapnik 1998; DomainBed's ERM): one model on the union of the
/// sources, each step the concatenation of every source's batch,
///   L = CE(f(x), y) over (x, y) in B_1 u ... u B_S.
/// </summary>
public class Erm : Algorithm
{
    readonly TrainedModel model;

    public Erm(AlgorithmContext context) : base(context) => model = new TrainedModel(Name, context);

    /// <summary>The single model's name in logs and checkpoints.</summary>
    protected virtual string Name => "erm";

    public override IReadOnlyList<TrainedModel> Models => [model];

    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        var images = Tensor.Cat(batches.Select(b => b.Images).ToArray());
        var labels = Tensor.Cat(batches.Select(b => b.Labels).ToArray());
        var ce = Loss(model.Model.Features(images), labels);
        model.Step(ce, step, lr);
        return [Record(step, lr, model, ce, ce, labels.Size(0), clock)];
    }

    /// <summary>The classification loss on the features the head reads.</summary>
    protected virtual Tensor Loss(Tensor features, Tensor labels) => Functional.CrossEntropy(model.Model.Logits(features), labels);
}
