using Ham.Torch;

namespace Ham.Training;

/// <summary>
/// Everything a training run is configured by, written to run.json beside the resolved
/// hyperparameters. What an algorithm searches over (learning rate, steps, batch size, lambda,
/// trim ...) is not here: it lives in the hyperparameter registry, with its default per algorithm
/// and backbone, and a run changes it through <see cref="Hyperparameters"/> (`--hparam NAME=VALUE`)
/// or draws it with <see cref="HparamsSeed"/>, as DomainBed's train.py does.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Every default, the required paths left empty: what command-line flags default to.</summary>
    public static TrainingOptions Defaults { get; } = new() { DataDir = "", TestDomain = "", ModelPath = "", OutDir = "" };

    public required string DataDir { get; init; }
    public required string TestDomain { get; init; }
    public required string ModelPath { get; init; }
    public required string OutDir { get; init; }

    /// <summary>A name of <see cref="Algorithms.AlgorithmRegistry"/>.</summary>
    public string Method { get; init; } = "ham";

    /// <summary>The row label `ham report` gives this run (a sweep's variant); null = <see cref="Method"/>.</summary>
    public string? Variant { get; init; }

    /// <summary>Hyperparameters set by name (`--hparam NAME=VALUE` and the shorthand flags), as typed; the rest come from the registry.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>DomainBed's hparams_seed: 0 = every hyperparameter at its default; otherwise each is drawn from seed_hash(hparams_seed, trial_seed).</summary>
    public int HparamsSeed { get; init; }

    /// <summary>Training image size; 0 = the model's input resolution (CLIP: another size resamples the position grid).</summary>
    public int ImageSize { get; init; }
    public int Seed { get; init; }
    public int TrialSeed { get; init; }
    public int EvalEvery { get; init; } = 100;
    public int CheckpointEvery { get; init; } = 100;
    public bool Resume { get; init; }

    /// <summary>Replace the run in <see cref="OutDir"/>: its files are removed once every check has passed (never files Ham did not write).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// gelu or quick_gelu, for a CLIP checkpoint that does not say its activation (no config.json,
    /// no Ham metadata, not OpenAI's TorchScript); null: the file's own, else OpenAI's quick_gelu.
    /// </summary>
    public string? Activation { get; init; }

    /// <summary><see cref="Activation"/> parsed (null when not given).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Ham.Clip.Model.Activation? ParsedActivation => Activation is null ? null : Ham.Clip.Model.Activations.Parse(Activation, "--activation");

    /// <summary>
    /// Batch-norm layers (ResNets) normalize with batch statistics and update their running
    /// statistics during training; off (the default, as CLIPood and DomainBed) keeps them frozen in eval mode.
    /// </summary>
    public bool TrainBatchNorm { get; init; }

    /// <summary>"cpu", "cuda" or "cuda:N": where models, optimizer state and batches live.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>fp32, or bf16 / fp16 autocast over fp32 master weights (fp16 with a gradient scaler).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>Stop after this many steps of this process without saving, as a kill would (resume tests; HAM_STOP_AFTER).</summary>
    public int? StopAfter { get; init; }

    /// <summary>The options that only say how this process runs, not what is trained: a resumed run may differ in them.</summary>
    public static IReadOnlySet<string> ProcessOnly { get; } = new HashSet<string> { nameof(Resume), nameof(Overwrite), nameof(StopAfter) };

    public void Validate()
    {
        static void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(EvalEvery >= 1, $"--eval-every must be at least 1, got {EvalEvery}");
        Require(CheckpointEvery >= 1, $"--checkpoint-every must be at least 1, got {CheckpointEvery}");
        Require(ImageSize >= 0, $"--image-size must be positive, got {ImageSize}");
        Require(HparamsSeed >= 0, $"--hparams-seed must be >= 0, got {HparamsSeed}");
        Require(!(Resume && Overwrite), "--resume continues the run in --out and --overwrite replaces it: give one of them");
        _ = ParsedActivation;
        Algorithms.AlgorithmRegistry.Get(Method);
        Ham.Torch.Device.Parse(Device);
        PrecisionNames.Parse(Precision, "--precision");
    }
}
