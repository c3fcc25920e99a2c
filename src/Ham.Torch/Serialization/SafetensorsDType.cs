namespace Ham.Torch.Serialization;

/// <summary>The dtype codes of the safetensors header.</summary>
static class SafetensorsDType
{
    static readonly (string Code, DType DType)[] Table =
    [
        ("F32", DType.Float32), ("F16", DType.Float16), ("BF16", DType.BFloat16), ("F64", DType.Float64),
        ("I64", DType.Int64), ("I32", DType.Int32), ("I16", DType.Int16), ("I8", DType.Int8),
        ("U8", DType.UInt8), ("BOOL", DType.Bool),
    ];

    public static bool TryParse(string code, out DType dtype)
    {
        foreach (var (c, d) in Table)
        {
            if (c == code)
            {
                dtype = d;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    public static string Code(DType dtype)
    {
        foreach (var (c, d) in Table)
            if (d == dtype) return c;
        throw new ArgumentException($"dtype {dtype.Name()} has no safetensors code");
    }
}
