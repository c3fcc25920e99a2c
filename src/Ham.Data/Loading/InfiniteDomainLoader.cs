using Ham.Data.Datasets;
using Ham.Data.Transforms;
using Ham.Torch;
using Random = Ham.Torch.Random;

namespace Ham.Data.Loading;

/// <summary>
/// An endless stream of training batches from one domain, sampled with replacement as DomainBed's
/// InfiniteDataLoader does (RandomSampler(replacement=True) cut into batches of batchSize, drop_last;
/// domainbed/lib/fast_data_loader.py): batch b's indices are batchSize uniform draws from 0..n-1
/// (torch.randint) from a generator seeded by (seed, b). Decoding and augmentation run on worker
/// threads (see <see cref="BatchPipeline"/>); the batches depend on the seed only, not on the
/// thread count, and <see cref="State"/> resumes the stream exactly.
/// </summary>
public sealed class InfiniteDomainLoader : IDisposable
{
    readonly BatchPipeline pipeline;
    readonly ulong seed;
    long taken;

    /// <param name="images">the domain's training images (e.g. its "in" split)</param>
    /// <param name="state">where to start: a new <c>SamplerState(seed, 0)</c>, or a saved <see cref="State"/></param>
    /// <param name="prefetch">batches made ahead at most; default twice the thread count (PyTorch's prefetch_factor 2)</param>
    /// <param name="pinMemory">images in page-locked memory (PyTorch's pin_memory), for a training device that is a GPU</param>
    public InfiniteDomainLoader(IReadOnlyList<LabelledImage> images, ISampleTransform transform, int batchSize, SamplerState state,
        int threads = 1, int? prefetch = null, bool pinMemory = false)
    {
        if (images.Count == 0) throw new ArgumentException("a training loader needs at least one image", nameof(images));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be positive");
        if (state.BatchesDrawn < 0) throw new ArgumentOutOfRangeException(nameof(state), state.BatchesDrawn, "batches drawn cannot be negative");
        seed = state.Seed;
        taken = state.BatchesDrawn;
        int count = images.Count;
        pipeline = new BatchPipeline(images, transform, batchSize, b => SampleIndices(seed, b, count, batchSize), null,
            seed, taken, threads, prefetch ?? 2 * threads, pinMemory);
    }

    /// <summary>The seed and the number of batches taken so far.</summary>
    public SamplerState State => new(seed, Interlocked.Read(ref taken));

    public Batch Next()
    {
        var batch = pipeline.Next()!;
        Interlocked.Increment(ref taken);
        return batch;
    }

    /// <summary>Batch b's indices: torch.randint(0, n, [batchSize]) from Generator(LoaderSeeds.Of(seed, IndexStream, b)).</summary>
    public static int[] SampleIndices(ulong seed, long batch, int count, int batchSize)
    {
        using var generator = new Generator(LoaderSeeds.Of(seed, LoaderSeeds.IndexStream, batch));
        using var draws = Random.Integers(0, count, [batchSize], generator);
        return draws.ToArray<long>().Select(i => (int)i).ToArray();
    }

    public void Dispose() => pipeline.Dispose();
}
