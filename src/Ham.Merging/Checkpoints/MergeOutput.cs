using Ham.Torch;

namespace Ham.Merging.Checkpoints;

/// <summary>
/// Where a merge writes its result: one safetensors file at <see cref="Path"/>, or, with a
/// <see cref="ShardSize"/>, a Hugging Face folder there (shards, their index and the base's
/// config files). <see cref="DType"/> casts the floating-point tensors (null: the base's dtypes).
/// </summary>
public sealed record MergeOutput(string Path)
{
    /// <summary>Most data bytes in one shard (a larger tensor gets a shard of its own); null writes one file.</summary>
    public long? ShardSize { get; init; }

    public DType? DType { get; init; }

    /// <summary>`--dtype`'s names: fp32, fp16, bf16.</summary>
    public static DType ParseDType(string text) => text switch
    {
        "fp32" => Ham.Torch.DType.Float32,
        "fp16" => Ham.Torch.DType.Float16,
        "bf16" => Ham.Torch.DType.BFloat16,
        _ => throw new ArgumentException($"--dtype must be fp32, fp16 or bf16, got '{text}'"),
    };

    /// <summary>The dtype tensor of <paramref name="stored"/> dtype is written in.</summary>
    public DType Of(DType stored) => DType is { } cast && stored.IsFloatingPoint() ? cast : stored;
}
