using System.Diagnostics;
using Ham.Clip.Preprocessing;
using Ham.Data.Datasets;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Bench;

/// <summary>
/// Decode + train-augment every domain of a DomainBed-layout folder (PACS-mini) into 224 px
/// batches of 32 with an infinite sampler (with replacement) on THREADS worker threads; the same
/// as bench/data/data_loading_torch.py with a PyTorch DataLoader of THREADS workers.
/// AUGMENT is "clipood" (RandomResizedCrop(224, 0.7-1) + flip) or "domainbed" (+ ColorJitter, RandomGrayscale).
/// usage: data-loading ROOT THREADS BATCHES AUGMENT -> "images_per_s N"
/// </summary>
static class DataLoading
{
    const int Batch = 32;

    public static int Run(string[] args)
    {
        string root = args[0];
        int threads = int.Parse(args[1]), batches = int.Parse(args[2]);
        bool domainBed = args[3] == "domainbed";
        LibTorch.Threads = 1;
        var images = DomainDataset.Open(root).Domains.SelectMany(d => d.Images).ToList();
        var augment = new TrainAugmentation(224, ClipPreprocessing.Mean, ClipPreprocessing.Std, domainBedColor: domainBed);
        using var loader = new InfiniteDomainLoader(images, augment, Batch, new SamplerState(0, 0), threads);
        loader.Next().Dispose(); // first batch: start-up, as the PyTorch side's
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < batches; i++) loader.Next().Dispose();
        Console.WriteLine($"images_per_s {batches * Batch / watch.Elapsed.TotalSeconds:F1}");
        return 0;
    }
}
