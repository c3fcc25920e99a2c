using System.Runtime.ExceptionServices;
using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Data.Loading;

/// <summary>
/// Worker threads that decode and transform whole batches ahead of the consumer, in the manner of
/// PyTorch's DataLoader (one batch per worker task, <c>prefetch</c> batches in flight at most),
/// and hand them over in batch order. A batch's images are chosen by <c>plan(b)</c>; sample k of
/// batch b gets a generator seeded by <see cref="LoaderSeeds"/> from (seed, b * batchSize + k), so
/// the output does not depend on the thread count. A failure while making a batch is rethrown
/// when that batch is taken.
/// </summary>
sealed class BatchPipeline : IDisposable
{
    sealed class Slot
    {
        public Tensor? Images;
        public long[]? Labels;
        public ExceptionDispatchInfo? Error;
        public bool Done;
    }

    readonly IReadOnlyList<LabelledImage> images;
    readonly ISampleTransform transform;
    readonly Func<long, int[]> plan;
    readonly long? batchCount;
    readonly int batchSize, prefetch;
    readonly bool pinMemory;
    readonly ulong seed;
    readonly object gate = new();
    readonly Dictionary<long, Slot> slots = [];
    readonly Thread[] workers;
    long nextToStart, nextToTake;
    bool disposed;

    /// <param name="plan">the indices into <paramref name="images"/> of batch b (at most batchSize of them)</param>
    /// <param name="batchCount">the number of batches, or null for an endless stream</param>
    /// <param name="firstBatch">the batch to start at (a resumed stream)</param>
    /// <param name="pinMemory">hand over images in page-locked memory (the worker pins them), for copies to a GPU that do not block</param>
    public BatchPipeline(IReadOnlyList<LabelledImage> images, ISampleTransform transform, int batchSize, Func<long, int[]> plan, long? batchCount,
        ulong seed, long firstBatch, int threads, int prefetch, bool pinMemory = false)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a loader needs at least one worker thread");
        if (prefetch < 1) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "a loader must prefetch at least one batch");
        this.images = images;
        this.transform = transform;
        this.batchSize = batchSize;
        this.plan = plan;
        this.batchCount = batchCount;
        this.seed = seed;
        this.prefetch = prefetch;
        this.pinMemory = pinMemory;
        nextToStart = nextToTake = firstBatch;
        workers = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"ham-loader-{i}" };
            workers[i].Start();
        }
    }

    /// <summary>The next batch in order, waiting for it if needed; null after the last one.</summary>
    public Batch? Next()
    {
        Slot slot;
        long index;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (batchCount is long count && nextToTake >= count) return null;
            while (!slots.TryGetValue(nextToTake, out slot!) || !slot.Done) Monitor.Wait(gate);
            slots.Remove(nextToTake);
            index = nextToTake++;
            Monitor.PulseAll(gate);
        }
        slot.Error?.Throw();
        // The worker made the images tensor outside any scope; an alias made here (same memory, no
        // copy) belongs to the taker's DisposeScope, like every tensor created on its thread.
        using var made = slot.Images!;
        return new Batch(index, made.Alias(), Tensor.FromArray(slot.Labels!, slot.Labels!.Length));
    }

    void Work()
    {
        while (true)
        {
            long b;
            var slot = new Slot();
            lock (gate)
            {
                while (!disposed && nextToStart - nextToTake >= prefetch) Monitor.Wait(gate);
                if (disposed || (batchCount is long count && nextToStart >= count)) return;
                b = nextToStart++;
                slots[b] = slot;
            }
            try
            {
                Fill(b, slot);
            }
            catch (Exception e)
            {
                slot.Error = ExceptionDispatchInfo.Capture(e);
            }
            lock (gate)
            {
                slot.Done = true;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>Decodes and transforms batch b straight into a new (n, 3, size, size) tensor's memory.</summary>
    void Fill(long b, Slot slot)
    {
        int[] indices = plan(b);
        int size = transform.Size, sampleFloats = 3 * size * size;
        var pixels = Tensor.Empty([indices.Length, 3, size, size]);
        var labels = new long[indices.Length];
        RgbImage? image = null; // the batch's decode buffer, reused while the images have one size (transforms only read it)
        try
        {
            var batch = pixels.DataSpan<float>();
            for (int k = 0; k < indices.Length; k++)
            {
                var item = images[indices[k]];
                image = ImageCodec.Read(item.Path, reuse: image);
                using var generator = transform.IsRandom ? new Generator(LoaderSeeds.Of(seed, LoaderSeeds.AugmentationStream, b * batchSize + k)) : null;
                transform.ApplyInto(image, generator, batch.Slice(k * sampleFloats, sampleFloats));
                labels[k] = item.Label;
            }
        }
        catch
        {
            pixels.Dispose();
            throw;
        }
        slot.Images = pinMemory ? Pinned(pixels) : pixels;
        slot.Labels = labels;
    }

    /// <summary>
    /// A page-locked copy, made here on the worker (as PyTorch's pin_memory thread does) so the
    /// training thread's copy to the GPU returns at once and overlaps the step before it.
    /// </summary>
    static Tensor Pinned(Tensor pixels)
    {
        using (pixels) return pixels.PinMemory();
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            Monitor.PulseAll(gate);
        }
        foreach (var worker in workers) worker.Join();
        foreach (var slot in slots.Values) slot.Images?.Dispose(); // made but never taken
        slots.Clear();
    }
}
