namespace Ham.Data.Splits;

/// <summary>One domain's split: indices into its sorted image list (<see cref="Datasets.Domain.Images"/>).</summary>
public sealed record DomainSplit(string Domain, bool IsTest, int Seed, IReadOnlyList<int> In, IReadOnlyList<int> Out);

/// <summary>
/// DomainBed's in/out splits (domainbed/scripts/train.py and lib/misc.py), to the letter. For
/// domain i with n images: <c>out, in = split_dataset(env, int(n * holdout_fraction),
/// seed_hash(trial_seed, i))</c>, where <c>split_dataset(env, k, seed)</c> shuffles
/// <c>list(range(n))</c> with <c>RandomState(seed)</c> and gives the first k keys to "out", the
/// rest to "in". For a test domain train.py then splits "in" once more for unlabelled domain
/// adaptation data, <c>uda, in = split_dataset(in, int(len(in) * uda_holdout_fraction), same seed)</c>;
/// with DomainBed's default fraction 0 that leaves the same images in "in" but reorders them, and
/// that order is kept here too.
/// </summary>
public static class DomainBedSplit
{
    /// <summary>DomainBed's default <c>--holdout_fraction</c>.</summary>
    public const double DefaultHoldoutFraction = 0.2;

    /// <summary><c>split_dataset(range(n), holdout, seed)</c>: (first, rest) of the shuffled keys.</summary>
    public static (int[] Holdout, int[] Remainder) SplitDataset(int n, int holdout, int seed)
    {
        if (holdout < 0 || holdout > n) throw new ArgumentOutOfRangeException(nameof(holdout), holdout, $"must be between 0 and the dataset size {n}");
        var keys = Enumerable.Range(0, n).ToArray();
        new LegacyRandomState(seed).Shuffle<int>(keys);
        return (keys[..holdout], keys[holdout..]);
    }

    /// <summary>
    /// The split of every domain for one trial, given the domain names and sizes in DomainBed's
    /// environment order. <c>int(n * fraction)</c> truncates a double product, as Python's does.
    /// </summary>
    public static IReadOnlyList<DomainSplit> ForDomains(IReadOnlyList<(string Name, int Count)> domains, int testDomain, int trialSeed,
        double holdoutFraction = DefaultHoldoutFraction)
    {
        if (testDomain < 0 || testDomain >= domains.Count) throw new ArgumentOutOfRangeException(nameof(testDomain), testDomain, $"there are {domains.Count} domains");
        if (holdoutFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, "must be in [0, 1)");
        var splits = new List<DomainSplit>();
        for (int i = 0; i < domains.Count; i++)
        {
            int seed = SeedHash.Of(trialSeed, i);
            var (outKeys, inKeys) = SplitDataset(domains[i].Count, (int)(domains[i].Count * holdoutFraction), seed);
            if (i == testDomain)
            {
                var (_, order) = SplitDataset(inKeys.Length, 0, seed); // the uda split with fraction 0
                inKeys = order.Select(k => inKeys[k]).ToArray();
            }
            splits.Add(new DomainSplit(domains[i].Name, i == testDomain, seed, inKeys, outKeys));
        }
        return splits;
    }
}
