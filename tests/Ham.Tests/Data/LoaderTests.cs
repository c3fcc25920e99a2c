using Ham.Clip.Preprocessing;
using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Torch;

namespace Ham.Tests.Data;

/// <summary>
/// The loaders: batches equal the transform applied one by one with the documented per-sample
/// seeds, the same seed gives the same bytes with 1 and 4 threads, a saved state resumes exactly,
/// sampling is uniform with replacement, evaluation runs in order.
/// </summary>
public class LoaderTests
{
    static readonly float[] Mean = [0.5f, 0.4f, 0.3f], Std = [0.2f, 0.25f, 0.3f];
    static readonly IReadOnlyList<LabelledImage> Sketches = DomainDataset.Open(SharedData.Path("data", "PACS-mini")).Domains.Single(d => d.Name == "sketch").Images;
    static readonly TrainAugmentation Augment = new(32, Mean, Std, domainBedColor: true);

    static List<(float[] Images, long[] Labels)> Take(InfiniteDomainLoader loader, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            using var batch = loader.Next();
            return (batch.Images.ToArray<float>(), batch.Labels.ToArray<long>());
        }).ToList();

    [Fact]
    public void BatchesAreTheTransformOfTheSampledImages()
    {
        const ulong seed = 11;
        using var loader = new InfiniteDomainLoader(Sketches, Augment, 6, new SamplerState(seed, 0), threads: 2);
        for (long b = 0; b < 3; b++)
        {
            using var batch = loader.Next();
            Assert.Equal(b, batch.Index);
            Assert.Equal([6L, 3, 32, 32], batch.Images.Shape);
            Assert.Equal(DType.Float32, batch.Images.DType);
            Assert.Equal(DType.Int64, batch.Labels.DType);
            var indices = InfiniteDomainLoader.SampleIndices(seed, b, Sketches.Count, 6);
            Assert.Equal(indices.Select(i => (long)Sketches[i].Label), batch.Labels.ToArray<long>());
            var expected = new float[6 * 3 * 32 * 32];
            for (int k = 0; k < 6; k++)
            {
                using var generator = new Generator(LoaderSeeds.Of(seed, LoaderSeeds.AugmentationStream, b * 6 + k));
                // The plain path (new images throughout); the loader reuses its buffers and writes into the tensor.
                var augmented = Augment.Apply(ImageCodec.Read(Sketches[indices[k]].Path), generator);
                ImageTensor.WriteNormalized(augmented, Mean, Std, expected.AsSpan(k * 3 * 32 * 32, 3 * 32 * 32));
            }
            Assert.Equal(expected, batch.Images.ToArray<float>());
        }
    }

    [Fact]
    public void SameSeedSameBatchesWhateverTheThreadCount()
    {
        using var one = new InfiniteDomainLoader(Sketches, Augment, 8, new SamplerState(5, 0), threads: 1);
        using var four = new InfiniteDomainLoader(Sketches, Augment, 8, new SamplerState(5, 0), threads: 4, prefetch: 3);
        using var other = new InfiniteDomainLoader(Sketches, Augment, 8, new SamplerState(6, 0), threads: 4);
        var a = Take(one, 6);
        var b = Take(four, 6);
        var c = Take(other, 1);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Images, b[i].Images);
            Assert.Equal(a[i].Labels, b[i].Labels);
        }
        Assert.NotEqual(a[0].Images, c[0].Images);
    }

    /// <summary>Pinned batches (for a GPU) hold the same values; they are page-locked only where CUDA is.</summary>
    [Fact]
    public void PinnedBatchesAreTheSameBatches()
    {
        using var plain = new InfiniteDomainLoader(Sketches, Augment, 4, new SamplerState(7, 0), threads: 2);
        using var pinned = new InfiniteDomainLoader(Sketches, Augment, 4, new SamplerState(7, 0), threads: 2, pinMemory: true);
        using (var batch = pinned.Next()) Assert.Equal(Ham.Torch.Devices.Count(Ham.Torch.DeviceType.CUDA) > 0, batch.Images.IsPinned);
        using (var batch = plain.Next()) Assert.False(batch.Images.IsPinned);
        var a = Take(plain, 3);
        var b = Take(pinned, 3);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(a[i].Images, b[i].Images);
            Assert.Equal(a[i].Labels, b[i].Labels);
        }
    }

    [Fact]
    public void SavedStateResumesTheStream()
    {
        using var original = new InfiniteDomainLoader(Sketches, Augment, 4, new SamplerState(9, 0), threads: 3);
        var first = Take(original, 3);
        var state = original.State;
        Assert.Equal(new SamplerState(9, 3), state);
        var next = Take(original, 2);
        using var resumed = new InfiniteDomainLoader(Sketches, Augment, 4, state, threads: 2);
        var again = Take(resumed, 2);
        Assert.Equal(next.Select(x => x.Images), again.Select(x => x.Images));
        Assert.NotEqual(first[2].Images, next[0].Images);
    }

    [Fact]
    public void SamplingIsUniformWithReplacement()
    {
        const int n = 10, batches = 400, size = 25;
        var counts = new int[n];
        bool repeats = false;
        for (int b = 0; b < batches; b++)
        {
            var indices = InfiniteDomainLoader.SampleIndices(3, b, n, size);
            foreach (int i in indices) counts[i]++;
            repeats |= indices.Distinct().Count() < size;
        }
        Assert.True(repeats);
        // 10,000 draws, 1,000 expected per index, sd ~ 30: 5 sd either side.
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void EvaluationIsInOrderWithAShortLastBatch()
    {
        var transform = new EvalTransform(40, ClipPreprocessing.Mean, ClipPreprocessing.Std);
        var images = Sketches.Take(23).ToList();
        var loader = new EvaluationLoader(images, transform, 10, threads: 3);
        var sizes = new List<long>();
        int position = 0;
        foreach (var batch in loader.Batches())
        {
            using (batch)
            {
                sizes.Add(batch.Images.Shape[0]);
                Assert.Equal(images.Skip(position).Take((int)batch.Images.Shape[0]).Select(i => (long)i.Label), batch.Labels.ToArray<long>());
                using var expected = ClipPreprocessing.Batch(images.Skip(position).Take((int)batch.Images.Shape[0]).Select(i => ImageCodec.Read(i.Path)), 40);
                Assert.Equal(expected.ToArray<float>(), batch.Images.ToArray<float>());
                position += (int)batch.Images.Shape[0];
            }
        }
        Assert.Equal([10L, 10, 3], sizes);
        Assert.Equal(3, loader.BatchCount);
    }

    [Fact]
    public void AnUnreadableImageFailsItsBatchNamingTheFile()
    {
        using var tree = new TempTree();
        string bad = tree.File("photo/dog/broken.jpg", [0xFF, 0xD8, 0xFF, 0x00]);
        var loader = new EvaluationLoader([new LabelledImage(bad, 0)], new EvalTransform(8, Mean, Std), 4, threads: 2);
        var error = Assert.Throws<ImageFileException>(() => loader.Batches().First());
        Assert.Contains("broken.jpg", error.Message);
    }
}
