using System.Diagnostics;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Optim;
using Ham.Torch.Serialization;
using Ham.Training;
using Ham.Training.Method;

namespace Ham.Bench;

/// <summary>
/// One lockstep HAM step as the ham algorithm takes it: 3 source encoders (ViT-B/16, 224 px,
/// random weights), batch 8 each; per source SAE confidences on every batch (no grad), CE on the
/// enriched batch + lambda * sign loss against the detached mean update, AdamW, historical
/// average update. The same step as bench/training/ham_step_torch.py, from the inputs file it writes.
/// usage: ham-step THREADS STEPS INPUTS -> "seconds_per_step peak_rss_mb_per_source trained_images_per_step"
/// </summary>
static class HamTrainingStep
{
    const int Sources = 3, Batch = 8, Classes = 7;

    public static int Run(string[] args)
    {
        LibTorch.Threads = int.Parse(args[0]);
        int steps = int.Parse(args[1]);
        double baseline = PeakResidentMegabytes();
        using var generator = new Generator(0);
        // weights, class embeddings and batches from the inputs file the PyTorch side wrote, so both
        // sides select (and train on) the same images
        using var inputs = SafetensorsFile.Open(args[2]);
        var encoders = Enumerable.Range(0, Sources).Select(_ => new VisionTransformer(224, 16, 768, 12, 12, 512, generator)).ToList();
        using (var init = new DisposeScope())
        {
            var state = inputs.Entries.Where(e => !e.Name.StartsWith("bench.", StringComparison.Ordinal)).ToDictionary(e => e.Name, e => inputs.Read(e.Name));
            foreach (var e in encoders) e.LoadStateDict(state);
        }
        var parameters = encoders.Select(e => (IReadOnlyList<Tensor>)e.Parameters().ToList()).ToList();
        var theta0 = parameters[0].Select(p => p.Detach().Clone().DetachFromScope()).ToArray();
        var optimizers = parameters.Select(p => new AdamW(p, 5e-6, 0.1)).ToList();
        var averages = parameters.Select(p => new HistoricalAverage(p, steps + 1, 0.5)).ToList();
        using var classes = inputs.Read("bench.classes").DetachFromScope();
        Tensor Logits(Tensor unitFeatures) => Functional.MatMul(unitFeatures, classes.T) * 100;   // the CLIP head, logit scale 100
        var batches = Enumerable.Range(0, Sources).Select(i => (Images: inputs.Read($"bench.images.{i}").DetachFromScope(),
            Labels: inputs.Read($"bench.labels.{i}").DetachFromScope())).ToArray();
        long trained = 0;

        var opa = new LayerDotSignAlignment();

        void Step(int step)
        {
            using var scope = new DisposeScope();
            opa.BeginStep(parameters, theta0);
            for (int i = 0; i < Sources; i++)
            {
                using var model = new DisposeScope();
                long[][] selected;
                using (LibTorch.NoGrad())
                    selected = SourceEnrichment.SelectFor(i, batches.Select(b => SourceEnrichment.MaxProbability(Logits(ClipModel.Normalize(encoders[i].Forward(b.Images))))).ToList());
                var images = Tensor.Cat([batches[i].Images, .. selected.Select((idx, j) => batches[j].Images.IndexSelect(0, Tensor.FromArray(idx, idx.Length)))]);
                var labels = Tensor.Cat([batches[i].Labels, .. selected.Select((idx, j) => batches[j].Labels.IndexSelect(0, Tensor.FromArray(idx, idx.Length)))]);
                if (step > 1) trained += labels.Size(0);
                var total = Functional.CrossEntropy(Logits(ClipModel.Normalize(encoders[i].Forward(images))), labels)
                    + opa.Compute(parameters[i], theta0).Loss;
                optimizers[i].ZeroGrad();
                total.Backward();
                optimizers[i].Step();
                averages[i].Update(step, parameters[i]);
            }
        }

        Step(1);
        var clock = Stopwatch.StartNew();
        for (int step = 2; step <= steps + 1; step++) Step(step);
        Console.WriteLine($"{clock.Elapsed.TotalSeconds / steps:F3} {(PeakResidentMegabytes() - baseline) / Sources:F0} {trained / (double)steps:F0}");
        return 0;
    }

    static double PeakResidentMegabytes() =>
        double.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
}
