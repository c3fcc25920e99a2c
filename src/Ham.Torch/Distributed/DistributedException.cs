namespace Ham.Torch.Distributed;

/// <summary>
/// A process group failed: a rendezvous nobody joined, a peer rank lost or stuck past the timeout.
/// An IOException, as a lost connection is: the message names the operation, this rank, the lost
/// rank when it is known, and c10d's own words.
/// </summary>
public sealed class DistributedException(string message) : IOException(message);
