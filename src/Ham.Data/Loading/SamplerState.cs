namespace Ham.Data.Loading;

/// <summary>
/// Where an <see cref="InfiniteDomainLoader"/> stands, for checkpoints: its seed and how many
/// batches the caller has taken. A loader built from this state yields exactly the batches the
/// original would have yielded next.
/// </summary>
public sealed record SamplerState(ulong Seed, long BatchesDrawn);
