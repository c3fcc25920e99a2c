using Ham.Merging.Methods;
using Ham.Merging.Parameters;
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

    /// <summary>The options <see cref="Create"/> made the method with: their per-tensor rules are checked against the model's names.</summary>
    internal MergeOptions? Configured { get; private set; }

    /// <summary>How many models (besides the base) the method merges, checked before <see cref="Prepare"/>.</summary>
    public virtual (int Min, int Max) ModelCount => (1, int.MaxValue);

    /// <summary>The options this method used, for the output's metadata.</summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Every method with the parameters it declares, in the order `ham merge --method` lists them.</summary>
    public static IReadOnlyList<MethodDeclaration> Declarations { get; } =
    [
        new("average", [SharedParameters.Weights], o => new Average(o)),
        new("task-arithmetic", TaskArithmetic.Declared(dare: false), o => new TaskArithmetic(o, dare: false)),
        new("ties", Ties.Declared(dare: false), o => new Ties(o, dare: false)),
        new("dare-ta", TaskArithmetic.Declared(dare: true), o => new TaskArithmetic(o, dare: true)),
        new("dare-ties", Ties.Declared(dare: true), o => new Ties(o, dare: true)),
        new("rhm", RedundancyAwareMerge.Declared, o => new RedundancyAwareMerge(o)),
        new("score", [SharedParameters.UpdateScale], o => new SubspaceAwareMerge(o)),
        new("tsv", [SharedParameters.UpdateScale], o => new TaskSingularVectors(o)),
        new("iso-c", [SharedParameters.UpdateScale], o => new IsotropicMerge(o)),
        new("wise-ft", [WiseFt.AlphaParameter], o => new WiseFt(o)),
        new("bn-stats", [], _ => new BatchNormStatisticsMerge()),
        new("trajectory", [TrajectoryAverage.BetaParameter], o => new TrajectoryAverage(o)),
        new("slerp", [Slerp.TParameter], o => new Slerp(o)),
        new("model-stock", [], _ => new ModelStock()),
        new("breadcrumbs", Breadcrumbs.Declared, o => new Breadcrumbs(o)),
        new("della", Della.Declared, o => new Della(o)),
    ];

    public static IReadOnlyList<string> Names { get; } = Declarations.Select(d => d.Name).ToList();

    /// <summary>The declaration of method <paramref name="name"/>.</summary>
    public static MethodDeclaration Declaration(string name) => Declarations.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException($"unknown merge method '{name}'; the methods are {string.Join(", ", Names)}");

    /// <summary>Method <paramref name="name"/> with <paramref name="options"/>, checked against its declaration first.</summary>
    public static MergeMethod Create(string name, MergeOptions options)
    {
        var declaration = Declaration(name);
        declaration.Check(options);
        var method = (declaration.Create ?? throw new ArgumentException($"{name} is made from data, not by MergeMethod.Create"))(options);
        method.Configured = options;
        return method;
    }
}
