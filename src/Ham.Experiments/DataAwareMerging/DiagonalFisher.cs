using Ham.Data.Datasets;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Training.Backbones;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// The diagonal Fisher of Matena and Raffel (2022) for a classifier: per trainable parameter,
/// F = mean over images x of (d/d theta log p(y_hat | x))^2, y_hat = argmax_y p(y | x) the
/// model's own prediction (as the paper, not the label), one gradient per image.
/// </summary>
public static class DiagonalFisher
{
    /// <summary>
    /// The Fisher of <paramref name="model"/> over the image batches (host tensors, each disposed
    /// here), keyed by state-dict name (float64, CPU). The sums stay on the model's device until the end.
    /// </summary>
    public static Dictionary<string, Tensor> Of(ClassifierModel model, IEnumerable<Tensor> batches)
    {
        var parameters = model.NamedParameters().Where(p => p.Tensor.RequiresGrad).ToList();
        var sums = parameters.ToDictionary(p => p.Name, p => Tensor.Zeros(p.Tensor.Shape, DType.Float64, p.Tensor.Device).DetachFromScope());
        long images = 0;
        foreach (var owned in batches)
        {
            using var scope = new DisposeScope();
            using var host = owned;
            var batch = host.To(parameters[0].Tensor.Device);
            for (long j = 0; j < batch.Size(0); j++)
            {
                using var imageScope = new DisposeScope();
                var logProbabilities = Functional.LogSoftmax(model.Logits(model.Features(batch.Narrow(0, j, 1))), -1);
                long predicted = logProbabilities.ArgMax(-1).ToArray<long>()[0];
                var gradients = Autograd.Grad([logProbabilities.Select(1, predicted).Sum()], parameters.Select(p => p.Tensor).ToList());
                for (int k = 0; k < parameters.Count; k++)
                    if (gradients[k] is { } g) sums[parameters[k].Name].Add_(g.Detach().To(DType.Float64).Square());
                images++;
            }
        }
        if (images == 0) throw new ArgumentException("fisher: no images to estimate the Fisher on");
        return sums.ToDictionary(p => p.Key, p =>
        {
            using var sum = p.Value;
            return sum.Mul_(1.0 / images).To(Device.CPU).DetachFromScope();
        });
    }

    /// <summary>The Fisher of the checkpoint at <paramref name="modelPath"/> on a sample of its own domain.</summary>
    public static Dictionary<string, Tensor> Of(string modelPath, DomainDataset dataset, DomainSample sample, Device device)
    {
        using var backbone = Backbone.Open(modelPath, dataset.Classes, new BackboneOptions());
        using var model = backbone.CreateModel(trainBatchNorm: false);
        model.To(device);
        var transform = new EvalTransform(backbone.Resolution, backbone.Mean, backbone.Std);
        return Of(model, sample.Batches(transform).Select(b => b.Images));
    }
}
