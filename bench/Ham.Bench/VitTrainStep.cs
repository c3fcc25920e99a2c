using System.Diagnostics;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Optim;

namespace Ham.Bench;

/// <summary>
/// One CLIP-style ViT training step (forward, cosine logits against fixed class embeddings,
/// cross-entropy, backward, AdamW) per iteration, the model built from Ham.Torch layers; the same
/// model and step as bench/foundation/vit_train_torch.py.
/// usage: vit-train CONFIG THREADS STEPS -> "CONFIG images_per_s seconds_per_step"
/// </summary>
static class VitTrainStep
{
    // width, layers, patch, image, batch, embed
    static readonly Dictionary<string, (long Width, int Layers, int Patch, int Image, int Batch, long Embed)> Configs = new()
    {
        ["vit-b16"] = (768, 12, 16, 224, 8, 512),
        ["tiny"] = (128, 4, 4, 32, 64, 64),
    };

    const int Classes = 10;

    public static int Run(string[] args)
    {
        var (width, layers, patch, image, batch, embed) = Configs[args[0]];
        LibTorch.Threads = int.Parse(args[1]);
        int steps = int.Parse(args[2]);
        using var generator = new Generator(0);
        using var model = new VisionTransformer(image, patch, width, layers, Math.Max(1, width / 64), embed, generator);
        using var scope = new DisposeScope();
        var text = ClipModel.Normalize(Ham.Torch.Random.Normal([Classes, embed], generator));
        var images = Ham.Torch.Random.Normal([batch, 3, image, image], generator);
        var labels = Ham.Torch.Random.Integers(0, Classes, [batch], generator);
        using var optimizer = new AdamW(model.Parameters(), learningRate: 1e-5, weightDecay: 0.1);

        void Step()
        {
            using var step = new DisposeScope();
            var features = ClipModel.Normalize(model.Forward(images));
            var loss = Functional.CrossEntropy(Functional.MatMul(features, text.T) * 100.0, labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }

        for (int i = 0; i < 2; i++) Step();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        double seconds = clock.Elapsed.TotalSeconds / steps;
        Console.WriteLine($"{args[0]} {batch / seconds:F3} {seconds:F6}");
        return 0;
    }
}
