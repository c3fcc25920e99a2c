using System.Diagnostics;
using Ham.Torch;
using Ham.Torch.Optim;
using Ham.Vision;

namespace Ham.Bench;

/// <summary>
/// One ResNet-50 training step (forward with train-mode batch norm, cross-entropy over 1000
/// classes, backward, AdamW) per iteration, on batch 32 of 224 px; the same model and step as
/// bench/resnet/resnet_train_torch.py runs with torchvision's resnet50.
/// usage: resnet-train THREADS STEPS -> "resnet50 images_per_s seconds_per_step" (the median step)
/// </summary>
static class ResNetTrainStep
{
    const int Batch = 32, Image = 224, Classes = 1000;

    public static int Run(string[] args)
    {
        LibTorch.Threads = int.Parse(args[0]);
        int steps = int.Parse(args[1]);
        using var generator = new Generator(0);
        using var model = new ResNet(ResNetArchitecture.ForDepth(50, Classes), generator);
        model.Train(); // torchvision's default when training: batch statistics, running ones updated
        using var scope = new DisposeScope();
        var images = Ham.Torch.Random.Normal([Batch, 3, Image, Image], generator);
        var labels = Ham.Torch.Random.Integers(0, Classes, [Batch], generator);
        using var optimizer = new AdamW(model.Parameters(), learningRate: 1e-4, weightDecay: 0.01);

        void Step()
        {
            using var step = new DisposeScope();
            var loss = Functional.CrossEntropy(model.Forward(images), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }

        for (int i = 0; i < 2; i++) Step();
        var times = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            var clock = Stopwatch.StartNew();
            Step();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        // the median step: one step slowed by another process on the machine does not move it
        double seconds = times.Order().ElementAt(steps / 2);
        Console.WriteLine($"resnet50 {Batch / seconds:F3} {seconds:F6}");
        return 0;
    }
}
