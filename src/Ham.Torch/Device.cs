namespace Ham.Torch;

/// <summary>A compute device: "cpu" or "cuda:N". Type values are c10::DeviceType's.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device CPU = new(DeviceType.CPU);

    public static Device Cuda(int index = 0) => new(DeviceType.CUDA, index);

    /// <summary>Parses "cpu", "cuda" or "cuda:1".</summary>
    public static Device Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:") && int.TryParse(t[5..], out int i) && i >= 0) return Cuda(i);
        throw new ArgumentException($"unknown device '{text}': expected cpu, cuda or cuda:N");
    }

    public override string ToString() => Type == DeviceType.CPU ? "cpu" : Index >= 0 ? $"cuda:{Index}" : "cuda";
}

public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}
