using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Torch;

namespace Ham.Training.Algorithms;

/// <summary>
/// Empirical risk minimization (Vapnik 1998; DomainBed's ERM): one model on the union of the
/// sources, each step the concatenation of every source's batch,
///   L = CE(f(x), y) over (x, y) in B_1 u ... u B_S.
/// Across ranks it is data parallel, as DistributedDataParallel: every rank holds the same model and
/// takes its block of the sources' batches, n_r of the step's N samples, with the loss
/// L_r = CE_r * n_r / N, so that the gradients summed over ranks (all_reduce) are those of L: DDP's
/// mean of the ranks' gradients when the shares are equal. Equal to one process up to the order of
/// the sums (README, "Several processes").
/// </summary>
public class Erm(AlgorithmContext context, string name = "erm") : SingleModelAlgorithm(context, name)
{
    public override AcrossRanks AcrossRanks => AcrossRanks.DataParallel;

    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        var ranks = Context.SourceGroup;
        var mine = ranks.Local.Select(j => batches[j]).ToArray();
        var images = Tensor.Cat(mine.Select(b => b.Images).ToArray());
        var labels = Tensor.Cat(mine.Select(b => b.Labels).ToArray());
        var ce = Loss(Model.Model.Features(images), labels);
        if (!ranks.IsDistributed)
        {
            Model.Step(ce, step, lr);
            return [Record(step, lr, Model, ce, ce, labels.Size(0), clock)];
        }
        long total = batches.Sum(b => b.Labels.Size(0));
        var share = ce * ((double)labels.Size(0) / total);
        Model.Step(share, step, lr, ranks.AllReduceGradients);
        var mean = ranks.SumOverRanks(share.Detach());
        return ranks.IsLeader ? [Record(step, lr, Model, mean, mean, total, clock)] : [];
    }

    /// <summary>The classification loss on the features the head reads.</summary>
    protected virtual Tensor Loss(Tensor features, Tensor labels) => Functional.CrossEntropy(Model.Model.Logits(features), labels);
}
