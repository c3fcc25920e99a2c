namespace Ham.Data.Images;

/// <summary>
/// An image file that cannot be decoded or encoded: corrupt, truncated, empty, or not a JPEG/PNG.
/// <see cref="File"/> names it so a dataset scan can list it and a user can find it. An
/// <see cref="IOException"/> (as a malformed safetensors file's error is), so callers and the CLI
/// treat it as the bad input it is.
/// </summary>
public sealed class ImageFileException(string file, string reason)
    : IOException($"{file}: {reason}")
{
    public string File { get; } = file;
    public string Reason { get; } = reason;
}
