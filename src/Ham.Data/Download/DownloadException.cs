namespace Ham.Data.Download;

/// <summary>A download that cannot go on: unreachable host, HTTP error, checksum mismatch. The message says what to do.
/// An <see cref="IOException"/>, so callers (and the CLI) treat it as the I/O failure it is.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : IOException(message, inner);
