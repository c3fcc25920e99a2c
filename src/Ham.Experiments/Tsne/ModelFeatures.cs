using Ham.Data.Datasets;
using Ham.Data.Transforms;
using Ham.Experiments.DataAwareMerging;
using Ham.Torch;
using Ham.Training.Backbones;

namespace Ham.Experiments.Tsne;

/// <summary>
/// What a model's head reads for each sampled image (CLIP: the unit image embedding; ResNet: the
/// pooled features), computed as `ham embed` and evaluation compute it: the backbone's own
/// evaluation transform and <see cref="ClassifierModel.Features"/>.
/// </summary>
public static class ModelFeatures
{
    /// <summary>The features of every image of <paramref name="samples"/> (domain name, sample) under <paramref name="backbone"/>'s model, labelled <paramref name="name"/>.</summary>
    public static FeatureSet Of(Backbone backbone, string name, DomainDataset dataset, IReadOnlyList<(string Domain, DomainSample Sample)> samples, Device device)
    {
        using var model = backbone.CreateModel(trainBatchNorm: false);
        model.To(device);
        var transform = new EvalTransform(backbone.Resolution, backbone.Mean, backbone.Std);
        using var noGrad = LibTorch.NoGrad();
        var points = new List<LabelledPoint>();
        var values = new List<float>();
        int dimension = 0;
        foreach (var (domain, sample) in samples)
        {
            int start = 0;
            foreach (var (images, labels) in sample.Batches(transform))
            {
                using var scope = new DisposeScope();
                using var batch = images;
                var features = model.Features(batch.To(device)).To(Device.CPU, DType.Float32);
                dimension = (int)features.Size(1);
                values.AddRange(features.ToArray<float>());
                for (int i = 0; i < labels.Length; i++)
                    points.Add(new LabelledPoint(domain, dataset.Classes[(int)labels[i]], sample.Images[start + i].Path));
                start += labels.Length;
            }
        }
        return new FeatureSet(name, points, values.ToArray(), dimension);
    }
}
