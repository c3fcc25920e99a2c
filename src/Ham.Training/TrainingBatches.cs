using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Training;

/// <summary>
/// Training batches as a pure function of (seed, source, step): a batch's images are drawn with
/// replacement (as DomainBed's InfiniteDataLoader samples) by a generator seeded from
/// (seed, source, step), and each image's augmentation by one seeded from (seed, source, step,
/// position). So a run resumed at step t sees exactly the batches it would have seen, whatever the
/// thread count. Decoding and augmentation run on the thread pool; the next step's batches are
/// prepared in the background while the current step trains.
/// </summary>
public sealed class TrainingBatches : IDisposable
{
    readonly IReadOnlyList<IReadOnlyList<LabelledImage>> _sources;
    readonly int _batch;
    readonly int _size;
    readonly long _seed;
    readonly TrainAugmentation _augmentation;
    readonly float[] _mean, _std;
    readonly Dictionary<(int Source, int Step), Task<(float[] Pixels, long[] Labels)>> _pending = new();

    public TrainingBatches(IReadOnlyList<IReadOnlyList<LabelledImage>> sources, int batch, int size, long seed, float[] mean, float[] std)
    {
        for (int i = 0; i < sources.Count; i++)
            if (sources[i].Count == 0) throw new ArgumentException($"training source {i} has no images");
        _sources = sources;
        _batch = batch;
        _size = size;
        _seed = seed;
        _augmentation = new TrainAugmentation(size, mean, std);
        (_mean, _std) = (mean, std);
    }

    /// <summary>The (batch, 3, size, size) images and (batch) labels of <paramref name="source"/> at <paramref name="step"/>.</summary>
    public (Tensor Images, Tensor Labels) Get(int source, int step)
    {
        var key = (source, step);
        if (!_pending.Remove(key, out var task)) task = Prepare(source, step);
        _pending[(source, step + 1)] = Prepare(source, step + 1);
        var (pixels, labels) = task.GetAwaiter().GetResult();
        return (Tensor.FromArray(pixels, _batch, 3, _size, _size), Tensor.FromArray(labels, _batch));
    }

    Task<(float[], long[])> Prepare(int source, int step) => Task.Run(() =>
    {
        var images = _sources[source];
        long[] picks;
        using (var generator = new Generator(Generator.DeriveSeed(_seed, source, step)))
        using (var indices = Ham.Torch.Random.Integers(0, images.Count, [_batch], generator))
            picks = indices.ToArray<long>();
        int imageFloats = 3 * _size * _size;
        var pixels = new float[_batch * imageFloats];
        var labels = new long[_batch];
        Parallel.For(0, _batch, position =>
        {
            var image = images[(int)picks[position]];
            using var generator = new Generator(Generator.DeriveSeed(_seed, source, step, position));
            var augmented = _augmentation.Apply(ImageCodec.Read(image.Path), generator);
            ImageTensor.WriteNormalized(augmented, _mean, _std, pixels.AsSpan(position * imageFloats, imageFloats));
            labels[position] = image.Label;
        });
        return (pixels, labels);
    });

    public void Dispose()
    {
        foreach (var task in _pending.Values) task.Wait();
        _pending.Clear();
    }
}
