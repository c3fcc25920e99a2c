using System.Text.Json.Nodes;
using Ham.Data.Datasets;
using Ham.Data.Splits;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Training.Backbones;

namespace Ham.Training;

/// <summary>
/// Scores a state of the trained model on a run's DomainBed split: validation = the mean accuracy
/// over the sources' out-splits (training-domain validation), test = the test domain's in-split
/// (DomainBed's test_in), with the backbone's evaluation preprocessing (shorter side resized,
/// centre crop) and one evaluation model whose weights are swapped in.
/// </summary>
public sealed class SplitEvaluation : IDisposable
{
    readonly DomainDataset dataset;
    readonly IReadOnlyList<DomainSplit> splits;
    readonly int testIndex;
    readonly IReadOnlyList<int> sources;
    readonly ClassifierModel model;
    readonly EvalTransform transform;
    readonly Device device;

    public SplitEvaluation(Backbone backbone, DomainDataset dataset, IReadOnlyList<DomainSplit> splits, int testIndex, Device device)
    {
        this.dataset = dataset;
        this.splits = splits;
        this.testIndex = testIndex;
        this.device = device;
        sources = Enumerable.Range(0, dataset.Domains.Count).Where(i => i != testIndex).ToList();
        model = backbone.CreateModel(trainBatchNorm: false);
        model.To(device);
        transform = new EvalTransform(backbone.Resolution, backbone.Mean, backbone.Std);
    }

    IReadOnlyList<LabelledImage> Images(int domain, IReadOnlyList<int> indices) => indices.Select(i => dataset.Domains[domain].Images[i]).ToList();

    /// <summary>{"val", "test", "per_domain": {source: out-split accuracy, test domain: in-split accuracy}}.</summary>
    public JsonObject Evaluate(IReadOnlyDictionary<string, Tensor> state)
    {
        model.LoadStateDict(state);
        var perDomain = new JsonObject();
        foreach (int d in sources) perDomain[dataset.Domains[d].Name] = Accuracy(Images(d, splits[d].Out));
        double test = Accuracy(Images(testIndex, splits[testIndex].In));
        double val = sources.Average(d => perDomain[dataset.Domains[d].Name]!.GetValue<double>());
        perDomain[dataset.Domains[testIndex].Name] = test;
        return new JsonObject { ["val"] = val, ["test"] = test, ["per_domain"] = perDomain };
    }

    double Accuracy(IReadOnlyList<LabelledImage> images) =>
        ImageAccuracy.Evaluate(x => model.Logits(model.Features(x.To(device))), transform, images);

    public void Dispose() => model.Dispose();
}
