using Ham.Torch;

namespace Ham.Training.Method;

/// <summary>
/// How often source models' updates v_i = theta_i - theta_0 disagree in sign, the conflicts
/// TIES-merging (Yadav et al., 2023) resolves by electing a sign and OPA is meant to prevent.
/// Entry k of a tensor conflicts when some source's v_i[k] is above zero and another's below
/// (a zero update takes no side: an entry all sources left alone, or one with a single mover, is no
/// conflict). Model-level: the fraction is the conflicting entries over all entries of the given
/// tensors, not a mean of per-tensor fractions. v_i is computed in the sources' dtype; tensors are
/// visited one at a time, so only one tensor's updates are held at once.
/// </summary>
public static class SignConflicts
{
    /// <summary>
    /// Counts over <paramref name="names"/>, each in every state of <paramref name="sources"/>
    /// and in <paramref name="initial"/> (theta_0, any device and dtype) with one shape.
    /// </summary>
    public static SignConflictCount Count(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> sources,
        IReadOnlyDictionary<string, Tensor> initial, IEnumerable<string> names)
    {
        if (sources.Count == 0) throw new ArgumentException("sign conflicts: no source states");
        long conflicting = 0, entries = 0;
        using var noGrad = LibTorch.NoGrad();
        foreach (string name in names)
        {
            using var scope = new DisposeScope();
            var stored = Lookup(initial, name, "theta_0");
            var first = Lookup(sources[0], name, "source 0");
            var theta0 = stored.To(first.Device, first.DType);
            Tensor? positive = null, negative = null;
            for (int i = 0; i < sources.Count; i++)
            {
                var theta = Lookup(sources[i], name, $"source {i}");
                if (!theta.Shape.SequenceEqual(theta0.Shape))
                    throw new ArgumentException($"sign conflicts: '{name}' of source {i} has shape [{string.Join(", ", theta.Shape)}], theta_0's is [{string.Join(", ", theta0.Shape)}]");
                var update = theta - theta0;
                positive = positive is null ? update.Gt(0) : positive.LogicalOr(update.Gt(0));
                negative = negative is null ? update.Lt(0) : negative.LogicalOr(update.Lt(0));
            }
            conflicting += positive!.LogicalAnd(negative!).Sum().ItemLong();
            entries += theta0.NumEl;
        }
        return new SignConflictCount(conflicting, entries);
    }

    static Tensor Lookup(IReadOnlyDictionary<string, Tensor> state, string name, string which) =>
        state.TryGetValue(name, out var t) ? t : throw new ArgumentException($"sign conflicts: {which} has no tensor '{name}'");
}

/// <summary>Conflicting entries out of all entries counted; <see cref="Fraction"/> is 0 when nothing was counted.</summary>
public readonly record struct SignConflictCount(long Conflicting, long Entries)
{
    public double Fraction => Entries == 0 ? 0 : (double)Conflicting / Entries;
}
