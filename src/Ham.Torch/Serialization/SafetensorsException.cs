namespace Ham.Torch.Serialization;

/// <summary>Why a safetensors file was refused; each case of the reference reader's validation has its own.</summary>
public enum SafetensorsError
{
    TooShort,
    HeaderTooLarge,
    HeaderOutOfFile,
    InvalidHeaderText,
    InvalidHeaderJson,
    InvalidEntry,
    UnknownDType,
    SizeMismatch,
    NonContiguousOffsets,
    DataOutOfFile,
    TrailingBytes,
    MissingTensor,
}

/// <summary>A malformed or unexpected safetensors file; the message names the file and the tensor.</summary>
public sealed class SafetensorsException(SafetensorsError error, string message) : IOException(message)
{
    public SafetensorsError Error { get; } = error;
}
