using System.Diagnostics;
using Ham.Clip.Model;
using Ham.Torch;

namespace Ham.Bench;

/// <summary>
/// CLIP ViT-B/16 (random weights) image encoding at batch 32 and text encoding of N prompts
/// (batches of 100, 77 tokens), no grad; the same as bench/clip/clip_encode_torch.py.
/// usage: clip-encode THREADS IMAGE_BATCHES PROMPTS -> "images images_per_s" and "texts prompts_per_s"
/// </summary>
static class ClipEncode
{
    const int Batch = 32, TextBatch = 100;

    public static int Run(string[] args)
    {
        LibTorch.Threads = int.Parse(args[0]);
        int imageBatches = int.Parse(args[1]), prompts = int.Parse(args[2]);
        using var generator = new Generator(0);
        var config = new ClipConfig(EmbedDim: 512, ImageResolution: 224, VisionLayers: [12], VisionWidth: 768, PatchSize: 16,
            ContextLength: 77, VocabSize: 49408, TextWidth: 512, TextLayers: 12);
        using var clip = new ClipModel(config, generator);
        using var noGrad = LibTorch.NoGrad();
        using var scope = new DisposeScope();
        var images = Ham.Torch.Random.Normal([Batch, 3, 224, 224], generator);
        var tokens = Tokens(prompts, new System.Random(0));

        double seconds = Timed(() => clip.EncodeImage(images), imageBatches);
        Console.WriteLine($"images {Batch / seconds:F3}");
        seconds = Timed(() =>
        {
            for (int start = 0; start < prompts; start += TextBatch)
            {
                using var batch = new DisposeScope();
                clip.EncodeText(tokens.Narrow(0, start, Math.Min(TextBatch, prompts - start)));
            }
        }, 1);
        Console.WriteLine($"texts {prompts / seconds:F3}");
        return 0;
    }

    /// <summary>Prompts of 5..16 tokens: start, random ids, end (the largest id), zero padding.</summary>
    static Tensor Tokens(int prompts, System.Random random)
    {
        var ids = new long[prompts * 77];
        for (int i = 0; i < prompts; i++)
        {
            int length = random.Next(5, 17);
            ids[i * 77] = 49406;
            for (int j = 1; j < length - 1; j++) ids[i * 77 + j] = random.Next(1, 49000);
            ids[i * 77 + length - 1] = 49407;
        }
        return Tensor.FromArray(ids, prompts, 77);
    }

    static double Timed(Action run, int repeats)
    {
        using (new DisposeScope()) run(); // warm-up
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++)
        {
            using var scope = new DisposeScope();
            run();
        }
        return clock.Elapsed.TotalSeconds / repeats;
    }
}
