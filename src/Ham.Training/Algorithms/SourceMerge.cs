using Ham.Merging;
using Ham.Torch;
using Ham.Training.Hyperparameters;

namespace Ham.Training.Algorithms;

/// <summary>
/// How per-source algorithms combine their models: any `ham merge` method (the `merge`
/// hyperparameter) with those of the options `trim` (rhm's ratio r; layer-level trimming with
/// `trim_scope` tensor), `density` (ties, dare-ties) and `drop` (dare-*) that it declares, merged
/// in memory against theta0 on the CPU (the merge kernels read host memory).
/// When batch norm trains, each source's running statistics describe its own domain's
/// activations, and a trimmed or sign-elected merge of them is no distribution at all; with
/// `bn_statistics` mixture (the default) they are replaced by the sources' Gaussian mixture, as
/// `bn-stats` merges them (Li et al., ECCV 2024): mean = sum_i w_i mu_i,
/// var = sum_i w_i (var_i + (mu_i - mean)^2), w_i from num_batches_tracked.
/// </summary>
sealed class SourceMerge(HyperparameterValues hyperparameters, IReadOnlyDictionary<string, Tensor> initialState, bool trainBatchNorm)
{
    static readonly string[] StatisticSuffixes = [".running_mean", ".running_var", ".num_batches_tracked"];

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

    readonly bool statisticsAsMixture = trainBatchNorm && hyperparameters.String("bn_statistics") == "mixture";

    /// <summary>The merge of <paramref name="states"/> (any device); the result's tensors are CPU tensors the caller disposes.</summary>
    public Dictionary<string, Tensor> Merge(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states)
    {
        using var scope = new DisposeScope();
        var onHost = states.Select(s => (IReadOnlyDictionary<string, Tensor>)s.ToDictionary(p => p.Key, p => p.Value.To(Device.CPU))).ToList();
        var merged = ModelMerger.Merge(method, initialState, onHost);
        if (!statisticsAsMixture) return merged;
        static bool IsStatistic(string name) => StatisticSuffixes.Any(name.EndsWith);
        var statistics = onHost.Select(s => (IReadOnlyDictionary<string, Tensor>)s.Where(p => IsStatistic(p.Key)).ToDictionary()).ToList();
        foreach (var (name, mixture) in ModelMerger.Merge(MergeMethod.Create("bn-stats", new MergeOptions()), null, statistics))
        {
            merged[name].Dispose();
            merged[name] = mixture;
        }
        return merged;
    }
}
