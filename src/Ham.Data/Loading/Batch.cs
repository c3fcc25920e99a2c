using Ham.Torch;

namespace Ham.Data.Loading;

/// <summary>
/// One batch from a loader: <see cref="Images"/> (N, 3, H, W) float32, normalized; <see cref="Labels"/>
/// (N) int64 class indices; <see cref="Index"/> its position in the loader's stream. The receiver
/// owns both tensors and disposes them (or the batch).
/// </summary>
public sealed class Batch(long index, Tensor images, Tensor labels) : IDisposable
{
    public long Index { get; } = index;
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
