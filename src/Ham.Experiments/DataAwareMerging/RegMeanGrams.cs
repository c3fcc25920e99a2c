using Ham.Data.Datasets;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Training.Backbones;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>RegMean's statistics of one model: the Gram matrices of its linear layers' inputs over a sample of its own domain (float64, CPU).</summary>
public static class RegMeanGrams
{
    public static IReadOnlyDictionary<string, Tensor> Of(string modelPath, DomainDataset dataset, DomainSample sample, Device device)
    {
        using var backbone = Backbone.Open(modelPath, dataset.Classes, new BackboneOptions());
        using var model = backbone.CreateModel(trainBatchNorm: false);
        model.To(device);
        var transform = new EvalTransform(backbone.Resolution, backbone.Mean, backbone.Std);
        using var collector = new LinearInputGrams(model);
        using var noGrad = LibTorch.NoGrad();
        foreach (var (images, _) in sample.Batches(transform))
        {
            using var scope = new DisposeScope();
            using var batch = images;
            model.Logits(model.Features(batch.To(device)));
        }
        return collector.Grams.ToDictionary(p => p.Key, p => p.Value.To(Device.CPU).DetachFromScope());   // one copy to the host, at the end
    }
}
