using System.Diagnostics;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Distributed;
using Ham.Training.Distributed;
using Ham.Training.Method;

namespace Ham.Bench;

/// <summary>
/// One lockstep HAM step of <see cref="HamTrainingStep"/> (3 ViT-B/16 sources, 224 px, random
/// weights, batch 8 each, SAE + OPA + AdamW + historical average), run either in one process or
/// as one rank of `ham launch --nproc N` (one source per rank for N = 3), through the training
/// code's <see cref="SourceGroup"/>: OPA's consensus receives the other ranks' parameters; SAE's
/// batches are rebuilt on every rank from their seeds. Also times the alternative for SAE, an
/// all_gather of the batches, without using it.
/// usage: ham-step-ranks THREADS STEPS -> rank 0 prints
///   "ranks seconds_per_step collective_seconds_per_step bytes_per_step batch_gather_seconds batch_gather_bytes"
/// </summary>
static class HamStepAcrossRanks
{
    const int Sources = 3, Batch = 8, Classes = 7;

    public static int Run(string[] args)
    {
        LibTorch.Threads = int.Parse(args[0]);
        int steps = int.Parse(args[1]);
        var launch = LaunchEnvironment.Read();
        using var ranks = launch is null ? null : ProcessGroup.Create(launch);
        var share = ranks is null ? SourceGroup.SingleProcess(Sources) : SourceGroup.Across(ranks, Sources, launch!.LocalRank);

        using var generator = new Generator(0);
        using var template = new VisionTransformer(224, 16, 768, 12, 12, 512, generator);
        var state = template.StateDict();
        var encoders = share.Local.Select(_ => { var e = new VisionTransformer(224, 16, 768, 12, 12, 512, generator); e.LoadStateDict(state); return e; }).ToList();
        var parameters = encoders.Select(e => (IReadOnlyList<Tensor>)e.Parameters().ToList()).ToList();
        var theta0 = template.Parameters().Select(p => p.Detach().Clone().DetachFromScope()).ToArray();
        var optimizers = parameters.Select(p => new Ham.Torch.Optim.AdamW(p, 5e-6, 0.1)).ToList();
        var averages = parameters.Select(p => new HistoricalAverage(p, steps + 1, 0.5)).ToList();
        using var classes = ClipModel.Normalize(Ham.Torch.Random.Normal([Classes, 512], generator)).DetachFromScope();
        Tensor Logits(Tensor unitFeatures) => Functional.MatMul(unitFeatures, classes.T) * 100;

        // Every source's batch from its own seed, on every rank (what the trainer's loaders do).
        var batches = Enumerable.Range(0, Sources).Select(j =>
        {
            using var g = new Generator(Generator.DeriveSeed(1, j));
            return (Images: Ham.Torch.Random.Normal([Batch, 3, 224, 224], g).DetachFromScope(), Labels: Ham.Torch.Random.Integers(0, Classes, [Batch], g).DetachFromScope());
        }).ToArray();
        var opa = new LayerDotSignAlignment();

        void Step(int step)
        {
            using var scope = new DisposeScope();
            opa.BeginStep(share.AllSources(parameters), theta0);
            for (int k = 0; k < encoders.Count; k++)
            {
                using var model = new DisposeScope();
                int i = share.Local[k];
                long[][] selected;
                using (LibTorch.NoGrad())
                    selected = SourceEnrichment.SelectFor(i, batches.Select(b => SourceEnrichment.MaxProbability(Logits(ClipModel.Normalize(encoders[k].Forward(b.Images))))).ToList());
                var images = Tensor.Cat([batches[i].Images, .. selected.Select((idx, j) => batches[j].Images.IndexSelect(0, Tensor.FromArray(idx, idx.Length)))]);
                var labels = Tensor.Cat([batches[i].Labels, .. selected.Select((idx, j) => batches[j].Labels.IndexSelect(0, Tensor.FromArray(idx, idx.Length)))]);
                var total = Functional.CrossEntropy(Logits(ClipModel.Normalize(encoders[k].Forward(images))), labels) + opa.Compute(parameters[k], theta0).Loss;
                optimizers[k].ZeroGrad();
                total.Backward();
                optimizers[k].Step();
                averages[k].Update(step, parameters[k]);
            }
            share.AllRecords([]);   // the trainer's per-step gather of the log records
        }

        var clock = Stopwatch.StartNew();
        for (int step = 1; step <= steps; step++) Step(step);
        double seconds = clock.Elapsed.TotalSeconds / steps;
        double collective = share.CollectiveTime.TotalSeconds / steps;
        long bytes = share.BytesExchanged / steps;

        // SAE's alternative: receive the other sources' batches instead of rebuilding them.
        double gatherSeconds = 0;
        long gatherBytes = 0;
        if (ranks is not null)
        {
            using var scope = new DisposeScope();
            var gatherClock = Stopwatch.StartNew();
            ranks.AllGatherFlat(batches[share.Local[0]].Images);
            gatherSeconds = gatherClock.Elapsed.TotalSeconds;
            gatherBytes = (long)Batch * 3 * 224 * 224 * 4 * ranks.WorldSize;
        }
        if (share.IsLeader)
            Console.WriteLine($"{share.WorldSize} {seconds:F3} {collective:F3} {bytes} {gatherSeconds:F3} {gatherBytes}");
        return 0;
    }
}
