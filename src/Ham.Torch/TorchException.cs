namespace Ham.Torch;

/// <summary>An error raised inside libtorch, carrying its message; the process goes on.</summary>
public sealed class TorchException(string message) : Exception(message);
