namespace Ham.Data.Download;

/// <summary>A download that cannot go on: unreachable host, HTTP error, checksum mismatch. The message says what to do.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : Exception(message, inner);
