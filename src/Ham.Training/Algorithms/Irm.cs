using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Torch;
using Ham.Training.Losses;

namespace Ham.Training.Algorithms;

/// <summary>
/// Invariant risk minimization (Arjovsky et al. 2019, IRMv1 as DomainBed's IRM): one model on all
/// sources; per source e the risk R_e = CE and the penalty P_e = |grad_{w|w=1.0} R_e(w f)|^2
/// (<see cref="IrmPenalty"/>), averaged over sources:
///   L = mean_e R_e + lambda_t mean_e P_e,  lambda_t = irm_lambda once `irm_penalty_anneal_iters`
/// updates are done, 1 before; the optimizer restarts when the anneal ends, as DomainBed does.
/// </summary>
public sealed class Irm(AlgorithmContext context) : SingleModelAlgorithm(context, "irm")
{
    readonly double irmLambda = context.Hyperparameters.Double("irm_lambda");
    readonly int annealIters = context.Hyperparameters.Int("irm_penalty_anneal_iters");

    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        int updatesDone = step - 1;   // DomainBed's update_count before this update
        double penaltyWeight = updatesDone >= annealIters ? irmLambda : 1.0;
        if (updatesDone == annealIters) Model.ResetOptimizer();
        // DomainBed runs the network once on every source's batch and slices the logits per source.
        var logits = Model.Model.Logits(Model.Model.Features(Tensor.Cat(batches.Select(b => b.Images).ToArray())));
        Tensor? nll = null, penalty = null;
        long start = 0;
        foreach (var batch in batches)
        {
            long n = batch.Labels.Size(0);
            var own = logits.Narrow(0, start, n);
            start += n;
            nll = Sum(nll, Functional.CrossEntropy(own, batch.Labels));
            penalty = Sum(penalty, IrmPenalty.Compute(own, batch.Labels));
        }
        nll = nll! / batches.Count;
        penalty = penalty! / batches.Count;
        var loss = nll + penalty * penaltyWeight;
        Model.Step(loss, step, lr);
        return [Record(step, lr, Model, loss, nll, start, clock, ("penalty", penalty.Item()), ("penalty_weight", penaltyWeight))];
    }
}
