namespace Ham.Training;

/// <summary>The three trainers of `ham train --method`.</summary>
public enum TrainingMethod
{
    /// <summary>HAM: one encoder per source, SAE + OPA + historical averaging, merged at the end.</summary>
    Ham,
    /// <summary>One encoder per source without SAE or OPA, merged at the end.</summary>
    PerSource,
    /// <summary>One encoder on the union of the sources (DomainBed's ERM: each step concatenates every source's batch).</summary>
    Erm,
}

/// <summary>The command-line names of <see cref="TrainingMethod"/>.</summary>
public static class TrainingMethodNames
{
    public static TrainingMethod Parse(string name, string option) => name switch
    {
        "ham" => TrainingMethod.Ham, "erm" => TrainingMethod.Erm, "per-source" => TrainingMethod.PerSource,
        _ => throw new ArgumentException($"{option} takes ham, erm or per-source, got '{name}'"),
    };
}

/// <summary>The classification loss of the source models.</summary>
public enum LossKind { CrossEntropy, MarginMetricSoftmax }

/// <summary>
/// Everything a training run is configured by; written to run.json. Defaults follow DESIGN.md
/// and, where it is silent, CLIPood (Shu et al. 2023): AdamW lr 5e-6, weight decay 0.1, cosine
/// schedule without warm-up, batch 24 per source, Beta(0.5) historical average.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Every default, the required paths left empty: what command-line flags default to.</summary>
    public static TrainingOptions Defaults { get; } = new() { DataDir = "", TestDomain = "", ModelPath = "", OutDir = "" };

    public required string DataDir { get; init; }
    public required string TestDomain { get; init; }
    public required string ModelPath { get; init; }
    public required string OutDir { get; init; }
    public TrainingMethod Method { get; init; } = TrainingMethod.Ham;
    public int Steps { get; init; } = 1000;
    public int Batch { get; init; } = 24;
    public double LearningRate { get; init; } = 5e-6;
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>OPA weight lambda (ignored unless the method is ham).</summary>
    public double Lambda { get; init; } = 1.0;
    public double Beta { get; init; } = 0.5;
    /// <summary>SAE on (ham only; per-source and erm never enrich).</summary>
    public bool Sae { get; init; } = true;
    public string Merge { get; init; } = "rhm";
    public double Trim { get; init; } = 0.2;
    /// <summary>Training and evaluation image size; 0 = the model's input resolution. Another size resamples the position grid (<see cref="Ham.Clip.Model.InputResolution"/>).</summary>
    public int ImageSize { get; init; }
    public int Seed { get; init; }
    public int TrialSeed { get; init; }
    public int EvalEvery { get; init; } = 100;
    public int CheckpointEvery { get; init; } = 100;
    public bool Resume { get; init; }
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;
    /// <summary>
    /// Batch-norm layers (ModifiedResNet towers) normalize with batch statistics and update their
    /// running statistics during training; off (the default, as CLIPood) keeps them frozen in eval mode.
    /// </summary>
    public bool TrainBatchNorm { get; init; }
    public double Margin { get; init; } = 0.3;
    /// <summary>Stop after this many steps of this process without saving, as a kill would (resume tests; HAM_STOP_AFTER).</summary>
    public int? StopAfter { get; init; }

    /// <summary>
    /// Deliver the historical averages (HAM section 3.4) rather than the final weights; null = the
    /// method's own choice: on for ham, off for the erm and per-source baselines, as the paper
    /// reports them. Both variants are scored in results.json either way.
    /// </summary>
    public bool? Average { get; init; }

    public bool UsesAverage => Average ?? Method == TrainingMethod.Ham;
    public bool UsesSae => Method == TrainingMethod.Ham && Sae;
    public double SignWeight => Method == TrainingMethod.Ham ? Lambda : 0;

    public void Validate()
    {
        static void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(Steps >= 1, $"--steps must be at least 1, got {Steps}");
        Require(Batch >= 1, $"--batch must be at least 1, got {Batch}");
        Require(LearningRate > 0, $"--lr must be positive, got {LearningRate}");
        Require(Lambda >= 0, $"--lambda must be >= 0, got {Lambda}");
        Require(Beta > 0, $"--beta must be positive, got {Beta}");
        Require(Trim is >= 0 and <= 1, $"--trim must be in [0, 1], got {Trim}");
        Require(EvalEvery >= 1, $"--eval-every must be at least 1, got {EvalEvery}");
        Require(CheckpointEvery >= 1, $"--checkpoint-every must be at least 1, got {CheckpointEvery}");
        Require(ImageSize >= 0, $"--image-size must be positive, got {ImageSize}");
    }
}
