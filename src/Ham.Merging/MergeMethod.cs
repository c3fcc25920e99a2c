using Ham.Merging.Methods;
using Ham.Torch;

namespace Ham.Merging;

/// <summary>
/// A merge method: optional passes over the whole model first (global thresholds), then one
/// merged tensor per name. Tensors a method does not merge (integers, names some model lacks
/// under --allow-missing) are copied from the base by <see cref="ModelMerger"/>.
/// </summary>
public abstract class MergeMethod
{
    /// <summary>The method's name as `ham merge --method` spells it.</summary>
    public abstract string Name { get; }

    /// <summary>Passes over the whole model before any tensor is merged.</summary>
    public virtual void Prepare(MergeInputs inputs) { }

    /// <summary>Whether this method produces tensor <paramref name="name"/> (default: floating point, in every model).</summary>
    public virtual bool Merges(MergeInputs inputs, string name) => inputs.IsFloatingPoint(name) && inputs.AllModelsHave(name);

    /// <summary>The merged tensor, in the compute dtype; the caller's scope owns it.</summary>
    public abstract Tensor Merge(MergeInputs inputs, string name);

    /// <summary>The parameters the method reads (a config that sets another is an error); per-tensor where the parameter allows.</summary>
    public virtual IReadOnlyList<string> Parameters => [];

    /// <summary>The options <see cref="Create"/> made the method with: their per-tensor rules are checked against the model's names.</summary>
    internal MergeOptions? Configured { get; private set; }

    /// <summary>How many models (besides the base) the method merges, checked before <see cref="Prepare"/>.</summary>
    public virtual (int Min, int Max) ModelCount => (1, int.MaxValue);

    /// <summary>The options this method used, for the output's metadata.</summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    public static IReadOnlyList<string> Names { get; } =
        ["average", "task-arithmetic", "ties", "dare-ta", "dare-ties", "rhm", "score", "tsv", "iso-c", "wise-ft", "bn-stats", "trajectory",
         "slerp", "model-stock", "breadcrumbs", "della"];

    public static MergeMethod Create(string name, MergeOptions options)
    {
        var method = New(name, options);
        method.Configured = options;
        return method;
    }

    static MergeMethod New(string name, MergeOptions options) => name switch
    {
        "average" => new Average(options),
        "task-arithmetic" => new TaskArithmetic(options, dare: false),
        "dare-ta" => new TaskArithmetic(options, dare: true),
        "ties" => new Ties(options, dare: false),
        "dare-ties" => new Ties(options, dare: true),
        "rhm" => new RedundancyAwareMerge(options),
        "score" => new SubspaceAwareMerge(options),
        "tsv" => new TaskSingularVectors(options),
        "iso-c" => new IsotropicMerge(options),
        "wise-ft" => new WiseFt(options),
        "bn-stats" => new BatchNormStatisticsMerge(),
        "trajectory" => new TrajectoryAverage(options),
        "slerp" => new Slerp(options),
        "model-stock" => new ModelStock(),
        "breadcrumbs" => new Breadcrumbs(options),
        "della" => new Della(options),
        _ => throw new ArgumentException($"unknown merge method '{name}'; the methods are {string.Join(", ", Names)}"),
    };
}
