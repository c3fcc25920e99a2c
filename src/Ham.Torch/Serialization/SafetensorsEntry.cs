namespace Ham.Torch.Serialization;

/// <summary>One tensor of a safetensors file: where its bytes lie, relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End)
{
    public long NumEl => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteCount => End - Begin;
}
