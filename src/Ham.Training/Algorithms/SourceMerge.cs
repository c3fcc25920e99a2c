using Ham.Merging;
using Ham.Torch;
using Ham.Training.Hyperparameters;

namespace Ham.Training.Algorithms;

/// <summary>
/// How per-source algorithms combine their models: any `ham merge` method (the `merge`
/// hyperparameter) with the options it reads: `trim` (rhm's ratio r; layer-level trimming with
/// `trim_scope` tensor), `density` (ties, dare-ties) and `drop` (dare-*), merged in memory against
/// theta0 on the CPU (the merge kernels read host memory).
/// </summary>
sealed class SourceMerge(HyperparameterValues hyperparameters, IReadOnlyDictionary<string, Tensor> initialState)
{
    readonly MergeMethod method = MergeMethod.Create(hyperparameters.String("merge"), new MergeOptions
    {
        Trim = hyperparameters.Double("trim"),
        Density = hyperparameters.Double("density"),
        Drop = hyperparameters.Double("drop"),
        TrimScope = MergeConfig.ParseTrimScope(hyperparameters.String("trim_scope")),
    });

    /// <summary>The merge of <paramref name="states"/> (any device); the result's tensors are CPU tensors the caller disposes.</summary>
    public Dictionary<string, Tensor> Merge(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states)
    {
        using var scope = new DisposeScope();
        var onHost = states.Select(s => (IReadOnlyDictionary<string, Tensor>)s.ToDictionary(p => p.Key, p => p.Value.To(Device.CPU))).ToList();
        return ModelMerger.Merge(method, initialState, onHost);
    }
}
