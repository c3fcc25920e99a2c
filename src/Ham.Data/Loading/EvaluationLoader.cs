using Ham.Data.Datasets;
using Ham.Data.Transforms;

namespace Ham.Data.Loading;

/// <summary>
/// One pass over a list of images in order, in batches of batchSize (the last one shorter), as
/// DomainBed's FastDataLoader / a DataLoader with shuffle=False, drop_last=False. Decoding and the
/// (normally deterministic) transform run on worker threads ahead of the consumer.
/// </summary>
public sealed class EvaluationLoader(IReadOnlyList<LabelledImage> images, ISampleTransform transform, int batchSize, int threads = 1, ulong seed = 0)
{
    public int BatchSize { get; } = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be positive");

    public int BatchCount => (images.Count + BatchSize - 1) / BatchSize;

    /// <summary>The batches in order; each is the caller's to dispose. Stopping early stops the workers.</summary>
    public IEnumerable<Batch> Batches()
    {
        int count = images.Count;
        using var pipeline = new BatchPipeline(images, transform, BatchSize,
            b => Enumerable.Range((int)b * BatchSize, (int)Math.Min(BatchSize, count - b * BatchSize)).ToArray(),
            BatchCount, seed, 0, threads, 2 * threads);
        while (pipeline.Next() is { } batch) yield return batch;
    }
}
