namespace Ham.Torch.Distributed;

/// <summary>
/// Where this process stands in a multi-process run, as torchrun (and `ham launch`, and a Slurm
/// script that sets them) tell it: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.
/// </summary>
public sealed record LaunchEnvironment(int Rank, int WorldSize, int LocalRank, string MasterAddress, int MasterPort)
{
    public static readonly string[] Variables = ["RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"];

    /// <summary>
    /// The launch this process is part of, or null when WORLD_SIZE is unset (a single process).
    /// A half-set or malformed environment is refused naming the variable.
    /// </summary>
    public static LaunchEnvironment? Read(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        if (string.IsNullOrEmpty(get("WORLD_SIZE"))) return null;
        int world = Number(get, "WORLD_SIZE", 1, int.MaxValue);
        int rank = Number(get, "RANK", 0, world - 1);
        int localRank = string.IsNullOrEmpty(get("LOCAL_RANK")) ? rank : Number(get, "LOCAL_RANK", 0, world - 1);
        string address = get("MASTER_ADDR") is { Length: > 0 } a ? a
            : throw new ArgumentException("MASTER_ADDR is not set: a multi-process run (WORLD_SIZE is set) needs the master's address");
        int port = Number(get, "MASTER_PORT", 1, 65535);
        return new LaunchEnvironment(rank, world, localRank, address, port);
    }

    static int Number(Func<string, string?> get, string name, int min, int max)
    {
        string? text = get(name);
        if (string.IsNullOrEmpty(text))
            throw new ArgumentException($"{name} is not set: a multi-process run (WORLD_SIZE is set) needs RANK, MASTER_ADDR and MASTER_PORT too");
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new ArgumentException($"{name}='{text}' is not an integer in [{min}, {max}]");
        return v;
    }
}
