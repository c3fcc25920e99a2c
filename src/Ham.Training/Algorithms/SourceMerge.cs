using Ham.Merging;
using Ham.Torch;
using Ham.Training.Hyperparameters;

namespace Ham.Training.Algorithms;

/// <summary>
/// How per-source algorithms combine their models: any `ham merge` method (the `merge`
/// hyperparameter) with those of the options `trim` (rhm's ratio r; layer-level trimming with
/// `trim_scope` tensor), `density` (ties, dare-ties) and `drop` (dare-*) that it declares, merged
/// in memory against theta0 on the CPU (the merge kernels read host memory).
/// </summary>
sealed class SourceMerge(HyperparameterValues hyperparameters, IReadOnlyDictionary<string, Tensor> initialState)
{
    readonly MergeMethod method = MergeMethod.Create(hyperparameters.String("merge"), Options(hyperparameters));

    /// <summary>The merge options a run's hyperparameters give, each passed only to a method that declares it.</summary>
    static MergeOptions Options(HyperparameterValues hyperparameters)
    {
        var declaration = MergeMethod.Declaration(hyperparameters.String("merge"));
        var options = new MergeOptions();
        foreach (string name in new[] { "trim", "density", "drop" }.Where(n => declaration.Find(n) is not null))
            options = options.With(name, hyperparameters.Double(name));
        return declaration.Find("trim-scope") is null ? options : options.With("trim-scope", hyperparameters.String("trim_scope"));
    }

    /// <summary>The merge of <paramref name="states"/> (any device); the result's tensors are CPU tensors the caller disposes.</summary>
    public Dictionary<string, Tensor> Merge(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states)
    {
        using var scope = new DisposeScope();
        var onHost = states.Select(s => (IReadOnlyDictionary<string, Tensor>)s.ToDictionary(p => p.Key, p => p.Value.To(Device.CPU))).ToList();
        return ModelMerger.Merge(method, initialState, onHost);
    }
}
