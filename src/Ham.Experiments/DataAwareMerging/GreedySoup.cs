using Ham.Merging;
using Ham.Torch;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// The greedy soup of Wortsman et al. (ICML 2022, "Model soups", Recipe 1): sort the models by
/// validation accuracy, best first; start the soup with the best and add each next model if the
/// uniform average of the soup with it scores at least as well on validation as the soup without
/// it. The result is the uniform average of the chosen models (`average` on them).
/// </summary>
public static class GreedySoup
{
    /// <summary>The indices of the chosen models, in the order they joined, and each step's validation accuracy.</summary>
    public static (IReadOnlyList<int> Chosen, IReadOnlyList<double> Accuracies) Select(
        IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states, Func<IReadOnlyDictionary<string, Tensor>, double> validationAccuracy)
    {
        if (states.Count == 0) throw new ArgumentException("greedy-soup: no models");
        var individual = states.Select(validationAccuracy).ToArray();
        var order = Enumerable.Range(0, states.Count).OrderByDescending(i => individual[i]).ThenBy(i => i).ToList();
        var chosen = new List<int> { order[0] };
        var accuracies = new List<double> { individual[order[0]] };
        foreach (int candidate in order.Skip(1))
        {
            var soup = Uniform(chosen.Append(candidate).Select(i => states[i]).ToList());
            double accuracy = validationAccuracy(soup);
            foreach (var t in soup.Values) t.Dispose();
            if (accuracy < accuracies[^1]) continue;
            chosen.Add(candidate);
            accuracies.Add(accuracy);
        }
        return (chosen, accuracies);
    }

    static Dictionary<string, Tensor> Uniform(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> states) =>
        ModelMerger.Merge(MergeMethod.Create("average", new MergeOptions()), null, states);
}
