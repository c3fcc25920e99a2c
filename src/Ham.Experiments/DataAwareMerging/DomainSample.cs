using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// The images a data-aware merge reads from one model's own domain: a seeded random subset of
/// <paramref name="count"/> images (all when fewer), preprocessed by the evaluation transform and
/// served in batches.
/// </summary>
public sealed class DomainSample(DomainDataset dataset, string domain, int count, ulong seed)
{
    public IReadOnlyList<LabelledImage> Images { get; } = Choose(dataset, domain, count, seed);

    static IReadOnlyList<LabelledImage> Choose(DomainDataset dataset, string domain, int count, ulong seed)
    {
        if (count <= 0) throw new ArgumentException($"--samples: expected a positive number of images, got {count}");
        var images = dataset.Domains[dataset.IndexOf(domain)].Images;
        using var generator = new Generator(seed);
        using var order = Ham.Torch.Random.Permutation(images.Count, generator);
        return order.ToArray<long>().Take(count).Select(i => images[(int)i]).ToList();
    }

    /// <summary>Normalized CPU image batches (N, 3, size, size) with their labels; the caller's scope owns each batch.</summary>
    public IEnumerable<(Tensor Images, long[] Labels)> Batches(EvalTransform transform, int batchSize = 32)
    {
        int size = transform.Size;
        for (int start = 0; start < Images.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, Images.Count - start);
            var pixels = new float[n * 3 * size * size];
            Parallel.For(0, n, i => transform.ApplyInto(ImageCodec.Read(Images[start + i].Path), null, pixels.AsSpan(i * 3 * size * size, 3 * size * size)));
            yield return (Tensor.FromArray(pixels, n, 3, size, size), Enumerable.Range(start, n).Select(i => (long)Images[i].Label).ToArray());
        }
    }
}
