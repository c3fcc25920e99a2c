using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Torch;

namespace Ham.Training.Algorithms;

/// <summary>
/// Empirical risk minimization (Vapnik 1998; DomainBed's ERM): one model on the union of the
/// sources, each step the concatenation of every source's batch,
///   L = CE(f(x), y) over (x, y) in B_1 u ... u B_S.
/// </summary>
public class Erm(AlgorithmContext context, string name = "erm") : SingleModelAlgorithm(context, name)
{
    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        var images = Tensor.Cat(batches.Select(b => b.Images).ToArray());
        var labels = Tensor.Cat(batches.Select(b => b.Labels).ToArray());
        var ce = Loss(Model.Model.Features(images), labels);
        Model.Step(ce, step, lr);
        return [Record(step, lr, Model, ce, ce, labels.Size(0), clock)];
    }

    /// <summary>The classification loss on the features the head reads.</summary>
    protected virtual Tensor Loss(Tensor features, Tensor labels) => Functional.CrossEntropy(Model.Model.Logits(features), labels);
}
