using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Merging;
using Ham.Torch;

namespace Ham.Training.Algorithms;

/// <summary>
/// One model per source domain, all from theta0, each trained on its own batch by
///   L_i = CE(f_i(x), y) over (x, y) in B_i,
/// delivered as the merge of the sources (by the `merge` hyperparameter's method: the
/// per-source baseline of the HAM paper's tables). <see cref="HamAlgorithm"/> adds SAE and OPA to it.
/// In a multi-process run this process trains only its sources (<see cref="Distributed.SourceGroup.Local"/>).
/// </summary>
public class PerSource : Algorithm
{
    readonly List<TrainedModel> models;
    readonly SourceMerge merge;

    public PerSource(AlgorithmContext context) : base(context)
    {
        models = context.SourceGroup.Local.Select(source => new TrainedModel(context.Sources[source], context)).ToList();
        merge = new SourceMerge(context.Hyperparameters, context.Backbone.InitialState, context.TrainBatchNorm);
        InitialParameters = models[0].Model.NamedParameters().Select(p => context.Backbone.InitialState[p.Name].To(context.Device).DetachFromScope()).ToArray();
    }

    public override IReadOnlyList<TrainedModel> Models => models;

    public override IReadOnlyList<string> ModelNames => Context.Sources;

    public override AcrossRanks AcrossRanks => AcrossRanks.SourcesDealt;

    /// <summary>The source (index into every step's batches and the run's sources) that model <paramref name="i"/> trains on.</summary>
    protected int SourceOf(int i) => Context.SourceGroup.Local[i];

    /// <summary>theta0's parameters in the models' parameter order, on the training device.</summary>
    protected Tensor[] InitialParameters { get; }

    public override IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches)
    {
        using var stepScope = new DisposeScope();
        BeginStep(batches);
        var records = new List<JsonObject>(models.Count);
        for (int i = 0; i < models.Count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var scope = new DisposeScope();
            var model = models[i];
            var (images, labels, terms) = Batch(i, batches);
            var ce = Functional.CrossEntropy(model.Model.Logits(model.Model.Features(images)), labels);
            var (loss, penaltyTerms) = Penalize(i, ce);
            model.Step(loss, step, lr);
            records.Add(Record(step, lr, model, loss, ce, labels.Size(0), clock, [.. penaltyTerms, .. terms]));
        }
        return records;
    }

    /// <summary>Work done once per step before any model updates (HAM: OPA's mean update).</summary>
    protected virtual void BeginStep(IReadOnlyList<SourceBatch> batches) { }

    /// <summary>Model <paramref name="i"/>'s training batch and what the log says of it: its own source's batch.</summary>
    protected virtual (Tensor Images, Tensor Labels, (string, JsonNode?)[] Terms) Batch(int i, IReadOnlyList<SourceBatch> batches) =>
        (batches[SourceOf(i)].Images, batches[SourceOf(i)].Labels, []);

    /// <summary>Model <paramref name="i"/>'s loss from its cross-entropy, and the logged terms: CE alone.</summary>
    protected virtual (Tensor Loss, (string, JsonNode?)[] Terms) Penalize(int i, Tensor ce) => (ce, []);

    public override Dictionary<string, Tensor> Deliver(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states) => merge.Merge(states);

    public override bool DeliveryAllocates => true;

    public override void Dispose()
    {
        foreach (var t in InitialParameters) t.Dispose();
        base.Dispose();
    }
}
