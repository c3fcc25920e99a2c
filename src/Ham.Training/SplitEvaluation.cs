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
/// (DomainBed's test_in; its out-split is scored too, for the test-domain oracle), with the
/// backbone's evaluation preprocessing (shorter side resized, centre crop) and one evaluation
/// model whose weights are swapped in.
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

    /// <summary>
    /// Summary = {"val", "test", "per_domain": {source: out-split accuracy, test domain: in-split
    /// accuracy}} (results.json's shape); Splits = {source: {"out"}, test domain: {"in", "out"}}
    /// (results.jsonl's "accuracy": the test out-split is what the test-domain oracle selects by).
    /// </summary>
    public SplitScores Evaluate(IReadOnlyDictionary<string, Tensor> state)
    {
        model.LoadStateDict(state);
        var perDomain = new JsonObject();
        var splitAccuracy = new JsonObject();
        foreach (int d in sources)
        {
            double outAccuracy = Accuracy(Images(d, splits[d].Out));
            perDomain[dataset.Domains[d].Name] = outAccuracy;
            splitAccuracy[dataset.Domains[d].Name] = new JsonObject { ["out"] = outAccuracy };
        }
        double test = Accuracy(Images(testIndex, splits[testIndex].In));
        double testOut = Accuracy(Images(testIndex, splits[testIndex].Out));
        double val = sources.Average(d => perDomain[dataset.Domains[d].Name]!.GetValue<double>());
        perDomain[dataset.Domains[testIndex].Name] = test;
        splitAccuracy[dataset.Domains[testIndex].Name] = new JsonObject { ["in"] = test, ["out"] = testOut };
        return new SplitScores(new JsonObject { ["val"] = val, ["test"] = test, ["per_domain"] = perDomain }, splitAccuracy);
    }

    double Accuracy(IReadOnlyList<LabelledImage> images) =>
        ImageAccuracy.Evaluate(x => model.Logits(model.Features(x.To(device))), transform, images);

    public void Dispose() => model.Dispose();
}

/// <summary>One evaluation: results.json's summary and the per-split accuracies of a results.jsonl record (<see cref="SplitEvaluation.Evaluate"/>).</summary>
public sealed record SplitScores(JsonObject Summary, JsonObject Splits);
