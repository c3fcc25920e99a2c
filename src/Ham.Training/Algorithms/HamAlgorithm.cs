using System.Text.Json.Nodes;
using Ham.Torch;
using Ham.Training.Method;

namespace Ham.Training.Algorithms;

/// <summary>
/// HAM (Harmonizing and Merging source models, DESIGN.md "The method"): per-source models in
/// lockstep with
/// - SAE (<see cref="SourceEnrichment"/>): each model's batch B_i is joined by the samples of the
///   other sources' batches it is more confident on than its own mean confidence tau_i;
/// - OPA (<see cref="SignAlignmentLoss"/>): Loss_i = CE_i + lambda L_sign,i against the step's
///   detached consensus update, in the form the `opa` hyperparameter names (the printed
///   `layer-dot` by default; `elementwise`, `leave-one-out`); off at lambda 0;
/// - the Beta historical average every model keeps, delivered (`average` on) and merged by RHM.
/// </summary>
public sealed class HamAlgorithm : PerSource
{
    readonly bool enrich;
    readonly double lambda;
    readonly SignAlignmentLoss? alignment;

    public HamAlgorithm(AlgorithmContext context) : base(context)
    {
        enrich = context.Hyperparameters.Bool("sae");
        lambda = context.Hyperparameters.Double("lambda");
        alignment = lambda > 0 ? SignAlignmentLoss.Create(context.Hyperparameters.String("opa")) : null;
    }

    /// <summary>
    /// OPA's consensus from every source's parameters at the start of the step, before any of them
    /// moves; across ranks the other ranks' sources' parameters are received first (in source order,
    /// so the consensus is summed as in one process).
    /// </summary>
    protected override void BeginStep(IReadOnlyList<SourceBatch> batches) =>
        alignment?.BeginStep(Context.SourceGroup.AllSources(Models.Select(m => m.Parameters).ToList()), InitialParameters);

    protected override (Tensor Images, Tensor Labels, (string, JsonNode?)[] Terms) Batch(int i, IReadOnlyList<SourceBatch> batches)
    {
        if (!enrich) return base.Batch(i, batches);
        int source = SourceOf(i);
        var selected = Enrich(i, batches);
        var enriched = new JsonObject(Context.Sources.Select((name, j) => (Name: name, Count: selected[j].Length)).Where((_, j) => j != source)
            .Select(x => KeyValuePair.Create(x.Name, (JsonNode?)x.Count)));
        var picks = selected.Select((idx, j) => (idx, j)).Where(p => p.idx.Length > 0)
            .Select(p => (Tensor.FromArray(p.idx, p.idx.Length).To(batches[p.j].Images.Device), p.j)).ToList();
        var images = Tensor.Cat([batches[source].Images, .. picks.Select(p => batches[p.j].Images.IndexSelect(0, p.Item1))]);
        var labels = Tensor.Cat([batches[source].Labels, .. picks.Select(p => batches[p.j].Labels.IndexSelect(0, p.Item1))]);
        return (images, labels, [("enriched", enriched)]);
    }

    /// <summary>
    /// SAE for model <paramref name="i"/>: the indices of every other source's batch it joins to its own.
    /// The confidences come from the model in eval mode, so that with batch-norm training on they
    /// neither see batch statistics of a foreign batch nor move the running statistics.
    /// </summary>
    long[][] Enrich(int i, IReadOnlyList<SourceBatch> batches)
    {
        var model = Models[i].Model;
        using var noGrad = LibTorch.NoGrad();
        using var scope = new DisposeScope();
        if (Context.TrainBatchNorm) model.Eval();
        var confidence = batches.Select(b => SourceEnrichment.MaxProbability(model.Logits(model.Features(b.Images)))).ToList();
        if (Context.TrainBatchNorm) model.Train();
        return SourceEnrichment.SelectFor(SourceOf(i), confidence);
    }

    /// <summary>CE_i + lambda L_sign,i; the log's "sign" is L_sign,i and "sign_active" the fraction of its hinges open (both 0 when OPA is off).</summary>
    protected override (Tensor Loss, (string, JsonNode?)[] Terms) Penalize(int i, Tensor ce)
    {
        if (alignment is null) return (ce, [("sign", 0.0), ("sign_active", 0.0)]);
        var sign = alignment.Compute(Models[i].Parameters, InitialParameters);
        return (ce + sign.Loss * lambda, [("sign", sign.Loss.Item()), ("sign_active", sign.ActiveFraction)]);
    }
}
