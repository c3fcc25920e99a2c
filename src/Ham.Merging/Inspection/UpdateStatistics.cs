using Ham.Merging.Methods;
using Ham.Torch;

namespace Ham.Merging.Inspection;

/// <summary>
/// What the update vectors v_i = theta_i - theta0 of a merge's models look like, per tensor
/// group and for the whole model: why a merge works or fails. For each group and model: the
/// update norm |v_i| and the fraction of entries RHM's trim at r keeps (|v_i| above the model's
/// global rank-floor(r n) magnitude) and TIES at density d keeps (|v_i| at or above its
/// rank-(n - floor(d n)) magnitude), the thresholds being the merges' own (whole model,
/// <see cref="MagnitudeThresholds"/>); for each pair, the cosine &lt;v_i, v_j&gt; / (|v_i| |v_j|);
/// and the sign-conflict fraction: entries whose nonzero v_i do not all share a sign, over all
/// entries, and among the entries RHM's trim keeps somewhere, the same for the kept v_i only.
/// Tensors no model changed (frozen parts) are left out, as RHM leaves them out. One streaming
/// pass after the threshold sweeps: memory does not grow with the model.
/// </summary>
public sealed class UpdateStatistics
{
    /// <summary>The row of the whole model in <see cref="Groups"/>.</summary>
    public const string WholeModel = "(model)";

    UpdateStatistics(IReadOnlyList<GroupStatistics> groups, float?[] trimThresholds, float?[] tiesThresholds, double trim, double density)
    {
        Groups = groups;
        TrimThresholds = trimThresholds;
        TiesThresholds = tiesThresholds;
        Trim = trim;
        Density = density;
    }

    /// <summary>The whole model first, then each tensor group in model order.</summary>
    public IReadOnlyList<GroupStatistics> Groups { get; }

    public GroupStatistics Model => Groups[0];

    /// <summary>Per model: RHM's magnitude threshold at <see cref="Trim"/> (null: keeps everything).</summary>
    public IReadOnlyList<float?> TrimThresholds { get; }

    /// <summary>Per model: TIES's magnitude threshold at <see cref="Density"/> (null: keeps everything).</summary>
    public IReadOnlyList<float?> TiesThresholds { get; }

    public double Trim { get; }

    public double Density { get; }

    /// <summary>The whole model's sign-conflict fraction (what a training run records in results.json).</summary>
    public double SignConflictFraction => Model.SignConflictFraction;

    /// <summary>
    /// The group of a tensor: its name up to the first numeric part (a layer,
    /// "visual.transformer.resblocks.3"), else without its last part (its module, "visual.ln_post").
    /// </summary>
    public static string GroupOf(string name)
    {
        var parts = name.Split('.');
        int layer = Array.FindIndex(parts, p => p.Length > 0 && p.All(char.IsAsciiDigit));
        return layer >= 0 ? string.Join('.', parts[..(layer + 1)]) : parts.Length > 1 ? string.Join('.', parts[..^1]) : name;
    }

    /// <summary>Statistics of in-memory state dicts (the trainer's sources).</summary>
    public static UpdateStatistics Of(IReadOnlyDictionary<string, Tensor> theta0, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> models,
        double trim = 0.2, double density = 0.2)
    {
        using var baseSource = StateSource.Of(theta0, "base");
        var sources = models.Select((m, i) => StateSource.Of(m, $"model {i}")).ToList();
        return Of(new MergeInputs(baseSource, sources), trim, density);
    }

    /// <summary>Statistics of a merge's inputs (a base is required) at RHM trim <paramref name="trim"/> and TIES density <paramref name="density"/>.</summary>
    public static UpdateStatistics Of(MergeInputs inputs, double trim = 0.2, double density = 0.2, Action<int, int>? progress = null)
    {
        if (!(trim >= 0 && trim <= 1)) throw new ArgumentException($"--trim must be in [0, 1], got {trim}");
        if (!(density >= 0 && density <= 1)) throw new ArgumentException($"--density must be in [0, 1], got {density}");
        inputs.RequireBase("inspect");
        var names = inputs.FloatNames.Where(n => !inputs.Unchanged(n)).ToList();
        var trimThresholds = MagnitudeThresholds.Select(inputs, names, RedundancyAwareMerge.RankOf(trim), leaveOutUnchanged: true);
        var tiesThresholds = MagnitudeThresholds.Select(inputs, names, Ties.RankOf(density), leaveOutUnchanged: true);
        var trimCuts = MagnitudeCut.Of(trimThresholds, keepEqual: false);
        var tiesCuts = MagnitudeCut.Of(tiesThresholds, keepEqual: true);
        int models = inputs.Models.Count;
        var whole = new UpdateSums(models);
        var groups = new Dictionary<string, UpdateSums>();
        var order = new List<string>();
        for (int t = 0; t < names.Count; t++)
        {
            string group = GroupOf(names[t]);
            if (!groups.TryGetValue(group, out var sums))
            {
                groups[group] = sums = new UpdateSums(models);
                order.Add(group);
            }
            var tensor = new UpdateSums(models);
            TaskVectorPass.Run(inputs, names[t], new UpdateSumsKernel(trimCuts, tiesCuts, tensor));
            sums.Add(tensor);
            whole.Add(tensor);
            progress?.Invoke(t + 1, names.Count);
        }
        var result = new List<GroupStatistics> { whole.Statistics(WholeModel) };
        result.AddRange(order.Select(g => groups[g].Statistics(g)));
        return new UpdateStatistics(result, trimThresholds, tiesThresholds, trim, density);
    }
}

/// <summary>One group's (or the whole model's) statistics; per-model arrays are in model order.</summary>
public sealed record GroupStatistics(
    string Group,
    long Entries,
    double[] Norms,
    double[,] Cosines,
    double SignConflictFraction,
    double KeptSignConflictFraction,
    double[] TrimKeptFraction,
    double[] TiesKeptFraction)
{
    /// <summary>The mean cosine over all pairs of models (NaN for one model).</summary>
    public double MeanCosine
    {
        get
        {
            int n = Norms.Length;
            double sum = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) sum += Cosines[i, j];
            return n > 1 ? sum / (n * (n - 1) / 2) : double.NaN;
        }
    }
}

/// <summary>Running sums over a set of entries: squares and products of the v_i, counts of conflicts and of kept entries.</summary>
sealed class UpdateSums(int models)
{
    public long Entries, Conflicts, KeptEntries, KeptConflicts;
    public readonly double[] Products = new double[models * models];
    public readonly long[] TrimKept = new long[models], TiesKept = new long[models];

    public void Add(UpdateSums other)
    {
        lock (this)
        {
            Entries += other.Entries;
            Conflicts += other.Conflicts;
            KeptEntries += other.KeptEntries;
            KeptConflicts += other.KeptConflicts;
            for (int k = 0; k < Products.Length; k++) Products[k] += other.Products[k];
            for (int i = 0; i < TrimKept.Length; i++)
            {
                TrimKept[i] += other.TrimKept[i];
                TiesKept[i] += other.TiesKept[i];
            }
        }
    }

    public GroupStatistics Statistics(string group)
    {
        int n = TrimKept.Length;
        var norms = Enumerable.Range(0, n).Select(i => Math.Sqrt(Products[i * n + i])).ToArray();
        var cosines = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                cosines[i, j] = norms[i] > 0 && norms[j] > 0 ? Products[i * n + j] / (norms[i] * norms[j]) : 0;
        double Fraction(long part, long whole) => whole > 0 ? (double)part / whole : 0;
        return new GroupStatistics(group, Entries, norms, cosines, Fraction(Conflicts, Entries), Fraction(KeptConflicts, KeptEntries),
            TrimKept.Select(k => Fraction(k, Entries)).ToArray(), TiesKept.Select(k => Fraction(k, Entries)).ToArray());
    }
}

/// <summary>Adds each chunk's entries to an <see cref="UpdateSums"/>, in float64.</summary>
sealed class UpdateSumsKernel(MagnitudeCut[] trimCuts, MagnitudeCut[] tiesCuts, UpdateSums into) : ITaskVectorKernel
{
    public void Run<T>(in TaskVectorChunk<T> chunk) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        int n = chunk.Models, length = chunk.Length;
        var sums = new UpdateSums(n);
        Span<double> values = stackalloc double[n];
        for (int j = 0; j < length; j++)
        {
            bool positive = false, negative = false, keptPositive = false, keptNegative = false, kept = false;
            for (int i = 0; i < n; i++)
            {
                T delta = chunk.Deltas[i * length + j];
                double x = double.CreateTruncating(delta);
                values[i] = x;
                for (int k = 0; k <= i; k++) sums.Products[i * n + k] += x * values[k];
                positive |= x > 0;
                negative |= x < 0;
                if (trimCuts[i].Keeps(delta))
                {
                    sums.TrimKept[i]++;
                    kept = true;
                    keptPositive |= x > 0;
                    keptNegative |= x < 0;
                }
                if (tiesCuts[i].Keeps(delta)) sums.TiesKept[i]++;
            }
            if (positive && negative) sums.Conflicts++;
            if (kept)
            {
                sums.KeptEntries++;
                if (keptPositive && keptNegative) sums.KeptConflicts++;
            }
        }
        sums.Entries = length;
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++) sums.Products[i * n + k] = sums.Products[k * n + i];
        into.Add(sums);
    }
}
