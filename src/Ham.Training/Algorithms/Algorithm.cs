using System.Diagnostics;
using System.Text.Json.Nodes;
using Ham.Torch;

namespace Ham.Training.Algorithms;

/// <summary>
/// A training algorithm, as DomainBed's algorithms.py defines one: it receives each step's batch
/// of every source, updates its model(s), and says what it delivers. One small class each,
/// registered by name in <see cref="AlgorithmRegistry"/>.
/// </summary>
public abstract class Algorithm : IDisposable
{
    protected Algorithm(AlgorithmContext context) => Context = context;

    protected AlgorithmContext Context { get; }

    /// <summary>The models it trains, in a fixed order (checkpoints are saved by index).</summary>
    public abstract IReadOnlyList<TrainedModel> Models { get; }

    /// <summary>The names of every model of the run, in order: <see cref="Models"/>' own, or all sources' when this process trains only some.</summary>
    public virtual IReadOnlyList<string> ModelNames => Models.Select(m => m.Name).ToList();

    /// <summary>
    /// One optimization step on <paramref name="batches"/> (one per source, in source order);
    /// returns one log record per model updated (<see cref="Record"/>).
    /// </summary>
    public abstract IReadOnlyList<JsonObject> Update(int step, double lr, IReadOnlyList<SourceBatch> batches);

    /// <summary>
    /// The delivered model from one state per model (final weights or historical averages, in
    /// <see cref="Models"/>' order). Single-model algorithms deliver their model; per-source ones
    /// merge. The result's tensors belong to no scope unless they are the inputs'.
    /// </summary>
    public virtual Dictionary<string, Tensor> Deliver(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states) =>
        states[0].ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Whether <see cref="Deliver"/> makes new tensors (a merge) that the caller must dispose.</summary>
    public virtual bool DeliveryAllocates => false;

    /// <summary>How the algorithm spans the ranks of a multi-process run (<see cref="Distributed.SourceGroup"/>).</summary>
    public virtual AcrossRanks AcrossRanks => AcrossRanks.No;

    /// <summary>Whether the historical averages (true) or the final weights are delivered: the `average` hyperparameter.</summary>
    public bool DeliversAverage => Context.Hyperparameters.Bool("average");

    /// <summary>
    /// The log record of one model's update: {"step", "source", "loss", "ce", the algorithm's own
    /// terms, "batch", "lr", "seconds"}.
    /// </summary>
    protected static JsonObject Record(int step, double lr, TrainedModel model, Tensor loss, Tensor ce, long batch, Stopwatch clock,
        params (string Name, JsonNode? Value)[] terms)
    {
        var record = new JsonObject { ["step"] = step, ["source"] = model.Name, ["loss"] = loss.Item(), ["ce"] = ce.Item() };
        foreach (var (name, value) in terms) record[name] = value;
        record["batch"] = batch;
        record["lr"] = lr;
        record["seconds"] = clock.Elapsed.TotalSeconds;
        return record;
    }

    public virtual void Dispose()
    {
        foreach (var model in Models) model.Dispose();
    }
}

/// <summary>How an algorithm runs across the ranks of a multi-process run.</summary>
public enum AcrossRanks
{
    /// <summary>It does not: one process only (CORAL and MMD compare the sources' features, Mixup mixes pairs of sources; IRM is not done).</summary>
    No,
    /// <summary>Each rank trains its block of the sources' models (per-source, HAM).</summary>
    SourcesDealt,
    /// <summary>One model replicated on every rank, each rank a share of the sources' batches, gradients summed by all_reduce (DistributedDataParallel).</summary>
    DataParallel,
}

/// <summary>One source's batch of a step: normalized images (N, 3, R, R) and labels (N), on the training device.</summary>
public readonly record struct SourceBatch(Tensor Images, Tensor Labels);
