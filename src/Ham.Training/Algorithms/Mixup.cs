using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Data.Splits;
using Ham.Torch;
using Ham.Training.Losses;

namespace Ham.Training.Algorithms;

/// <summary>
/// Inter-domain mixup (Yan et al. 2020, as DomainBed's Mixup; Zhang et al., ICLR 2018): the
/// sources are put in a random order and each batch is mixed with the next one's (cyclically),
/// with lam ~ Beta(mixup_alpha, mixup_alpha) per pair:
///   x = lam x_i + (1 - lam) x_j,  L = (1/S) sum_pairs lam CE(f(x), y_i) + (1 - lam) CE(f(x), y_j).
/// The order and the lams are drawn from the run's seed and the step, so a resumed run draws the same.
/// </summary>
public sealed class Mixup(AlgorithmContext context) : SingleModelAlgorithm(context, "mixup")
{
    readonly double alpha = context.Hyperparameters.Double("mixup_alpha");

    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        using var generator = new Generator(Generator.DeriveSeed(Context.Seed, MixupStream, step));
        var order = Ham.Torch.Random.Permutation(batches.Count, generator).ToArray<long>().Select(i => (int)i).ToArray();
        var lams = new LegacyRandomState((uint)Generator.DeriveSeed(Context.Seed, MixupStream, step, 1));
        Tensor? objective = null;
        long images = 0;
        foreach (var (i, j) in MixupLoss.Pairs(order))
        {
            double lam = BetaDraw.Sample(lams, alpha, alpha);
            long n = Math.Min(batches[i].Labels.Size(0), batches[j].Labels.Size(0));
            var x = MixupLoss.Mix(batches[i].Images.Narrow(0, 0, n), batches[j].Images.Narrow(0, 0, n), lam);
            var logits = Model.Model.Logits(Model.Model.Features(x));
            objective = Sum(objective, MixupLoss.Compute(logits, batches[i].Labels.Narrow(0, 0, n), batches[j].Labels.Narrow(0, 0, n), lam));
            images += n;
        }
        var loss = objective! / batches.Count;
        Model.Step(loss, step, lr);
        return [Record(step, lr, Model, loss, loss, images, clock)];
    }

    /// <summary>Separates mixup's draws from every other seeded stream of the run.</summary>
    const long MixupStream = 0x6d69787570;
}
