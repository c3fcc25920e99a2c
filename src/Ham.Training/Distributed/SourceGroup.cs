using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Ham.Torch;
using Ham.Torch.Distributed;

namespace Ham.Training.Distributed;

/// <summary>
/// DESIGN.md's source group: which of a run's sources this process trains, and how the quantities
/// that need every source (OPA's consensus, the per-step log, the delivered merge) are formed,
/// in one process or across the ranks of a c10d group.
///
/// Sources are dealt to ranks in contiguous blocks (rank r trains sources [r S / W, (r + 1) S / W)),
/// so that rank order is source order: whatever is gathered rank by rank arrives in the order one
/// process has it, and every sum over sources runs in that order, bit for bit as in one process.
/// SAE needs every source's batch: each rank rebuilds them from the loaders seeded by (seed,
/// source) rather than receiving them (bench/distributed measures both).
/// </summary>
public sealed class SourceGroup
{
    readonly ProcessGroup? group;
    readonly Stopwatch collectiveClock = new();

    SourceGroup(ProcessGroup? group, int sources, int localRank)
    {
        this.group = group;
        SourceCount = sources;
        LocalRank = localRank;
        int world = group?.WorldSize ?? 1, rank = group?.Rank ?? 0;
        if (world > sources)
            throw new ArgumentException($"{world} ranks for {sources} sources: a per-source run needs at least one source per rank (start at most {sources} ranks)");
        Local = Enumerable.Range(Start(rank), Start(rank + 1) - Start(rank)).ToArray();
    }

    /// <summary>Every source in this process.</summary>
    public static SourceGroup SingleProcess(int sources) => new(null, sources, 0);

    /// <summary>This rank's block of the sources of <paramref name="group"/>'s run.</summary>
    public static SourceGroup Across(ProcessGroup group, int sources, int localRank) => new(group, sources, localRank);

    public int Rank => group?.Rank ?? 0;
    public int WorldSize => group?.WorldSize ?? 1;
    public int LocalRank { get; }
    public int SourceCount { get; }
    public bool IsDistributed => group is not null;

    /// <summary>Rank 0 writes the run folder, merges and evaluates; the other ranks write only their checkpoints.</summary>
    public bool IsLeader => Rank == 0;

    /// <summary>The sources this process trains (indices into the run's sources), ascending.</summary>
    public IReadOnlyList<int> Local { get; }

    /// <summary>The rank that trains <paramref name="source"/>.</summary>
    public int Owner(int source)
    {
        int rank = 0;
        while (Start(rank + 1) <= source) rank++;
        return rank;
    }

    int Start(int rank) => rank * SourceCount / WorldSize;

    /// <summary>Bytes this rank sent and received in the collectives of this group, and the time spent in them (for bench/distributed).</summary>
    public long BytesExchanged { get; private set; }
    public TimeSpan CollectiveTime => collectiveClock.Elapsed;

    /// <summary>The checkpoint folder's name in the run folder: this rank's own when distributed (rank and world size in the name).</summary>
    public string CheckpointName => IsDistributed ? $"checkpoint-rank{Rank}-of-{WorldSize}" : "checkpoint";

    /// <summary>"cuda" in a distributed run is the rank's own GPU, cuda:LOCAL_RANK, as torchrun users set it.</summary>
    public Device DeviceFor(string option) =>
        IsDistributed && option.Trim().Equals("cuda", StringComparison.OrdinalIgnoreCase) ? Device.Cuda(LocalRank) : Device.Parse(option);

    /// <summary>
    /// Every source's tensors in source order, from this process's sources' <paramref name="local"/>
    /// (in <see cref="Local"/>'s order; every list shaped like the first). This process's own lists are
    /// returned as they are; the others are received, detached, into the caller's scope: per source,
    /// its owner broadcasts one flat buffer per dtype.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Tensor>> AllSources(IReadOnlyList<IReadOnlyList<Tensor>> local)
    {
        if (local.Count != Local.Count) throw new ArgumentException($"{local.Count} lists of tensors for this process's {Local.Count} sources");
        if (group is null) return local;
        var template = local[0];
        var all = new IReadOnlyList<Tensor>[SourceCount];
        for (int source = 0; source < SourceCount; source++)
        {
            int owner = Owner(source);
            int mine = source - Local[0];
            all[source] = owner == Rank ? local[mine] : Receive(template, owner);
            if (owner == Rank) Send(local[mine]);
        }
        return all;
    }

    /// <summary>Every source's state dict in source order, as <see cref="AllSources"/> gathers tensor lists (same names in every state).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Tensor>> AllStates(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> local)
    {
        if (group is null) return local;
        var names = local[0].Keys.ToList();
        var lists = AllSources(local.Select(s => (IReadOnlyList<Tensor>)names.Select(n => s[n]).ToList()).ToList());
        return lists.Select(l => (IReadOnlyDictionary<string, Tensor>)names.Select((n, i) => (n, l[i])).ToDictionary(p => p.n, p => p.Item2)).ToList();
    }

    /// <summary>
    /// Sums every parameter's gradient over the ranks, in place (data parallel): one all_reduce per
    /// dtype over the gradients flattened into one buffer. Parameters without a gradient take part as zeros.
    /// </summary>
    public void AllReduceGradients(IReadOnlyList<Tensor> parameters)
    {
        if (group is null) return;
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var grads = parameters.Select(p => p.Grad ?? p.ZerosLike()).ToArray();
        foreach (var (_, members) in ByDType(grads))
        {
            var flat = Tensor.Cat(members.Select(i => grads[i].Flatten()).ToArray());
            Timed(() => { group.AllReduceSum(flat); return 0; }, 2 * flat.NumEl * flat.DType.ElementSize());
            long offset = 0;
            foreach (int i in members)
            {
                long n = grads[i].NumEl;
                grads[i].Copy_(flat.Narrow(0, offset, n).View(grads[i].Shape));
                offset += n;
            }
        }
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].Grad is null) parameters[i].Grad = grads[i];
    }

    /// <summary>The sum of <paramref name="value"/> over the ranks, as a new tensor in the caller's scope (a copy of it in one process).</summary>
    public Tensor SumOverRanks(Tensor value)
    {
        var sum = value.Clone();
        if (group is not null) Timed(() => { group.AllReduceSum(sum); return 0; }, 2 * sum.NumEl * sum.DType.ElementSize());
        return sum;
    }

    /// <summary>Every rank's records, concatenated in rank (so source) order.</summary>
    public IReadOnlyList<JsonObject> AllRecords(IReadOnlyList<JsonObject> local)
    {
        if (group is null) return local;
        var mine = Encoding.UTF8.GetBytes(new JsonArray(local.Select(r => (JsonNode)r.DeepClone()).ToArray()).ToJsonString());
        var all = Timed(() => group.AllGatherBytes(mine), mine.Length * WorldSize);
        return all.SelectMany(bytes => JsonNode.Parse(bytes)!.AsArray().Select(r => r!.AsObject().DeepClone().AsObject())).ToList();
    }

    /// <summary>The step every rank resumes from; refuses ranks that disagree (their checkpoints are of different steps).</summary>
    public int AgreeOnStep(int step)
    {
        if (group is null) return step;
        using var scope = new DisposeScope();
        var steps = Timed(() => group.AllGatherFlat(Tensor.FromArray(new long[] { step })).ToArray<long>(), 8 * WorldSize);
        if (steps.Distinct().Count() > 1)
            throw new ArgumentException("--resume: the ranks' checkpoints are of different steps (" +
                string.Join(", ", steps.Select((s, r) => $"rank {r}: {s}")) + "); the run cannot continue bit for bit");
        return step;
    }

    /// <summary>Waits for every rank (a checkpoint is swapped in only once every rank has written its own).</summary>
    public void Barrier()
    {
        if (group is not null) Timed(() => { group.Barrier(); return 0; }, 0);
    }

    /// <summary>
    /// Refuses to start over in a run folder that holds another world size's checkpoints: with
    /// --resume, ranks that find no checkpoint of their own would otherwise train from step 0.
    /// </summary>
    public void RequireNoForeignCheckpoints(string runDir)
    {
        string ours = IsDistributed ? $"-of-{WorldSize}" : "checkpoint";
        bool Foreign(string name) => name.StartsWith("checkpoint-rank", StringComparison.Ordinal)
            ? !name.Replace(".old", "").EndsWith(ours, StringComparison.Ordinal)
            : IsDistributed && (name == "checkpoint" || name == "checkpoint.old");
        var foreign = Directory.Exists(runDir) ? Directory.GetDirectories(runDir).Select(d => Path.GetFileName(d)!).Where(Foreign).Order(StringComparer.Ordinal).ToList() : [];
        if (foreign.Count > 0)
            throw new ArgumentException($"--resume: {runDir} holds checkpoints of another world size ({string.Join(", ", foreign)}); " +
                $"this run has {WorldSize} rank(s): resume with the world size that made them");
    }

    void Send(IReadOnlyList<Tensor> tensors)
    {
        foreach (var (dtype, members) in ByDType(tensors))
        {
            using var scope = new DisposeScope();
            Tensor flat;
            using (LibTorch.NoGrad()) flat = Tensor.Cat(members.Select(i => tensors[i].Detach().Flatten()).ToArray());
            Timed(() => { group!.Broadcast(flat, Rank); return 0; }, (flat.NumEl * flat.DType.ElementSize()) * (WorldSize - 1));
        }
    }

    Tensor[] Receive(IReadOnlyList<Tensor> template, int owner)
    {
        var received = new Tensor[template.Count];
        foreach (var (dtype, members) in ByDType(template))
        {
            long total = members.Sum(i => template[i].NumEl);
            var flat = Tensor.Empty([total], dtype, template[members[0]].Device);
            Timed(() => { group!.Broadcast(flat, owner); return 0; }, (flat.NumEl * flat.DType.ElementSize()));
            long offset = 0;
            foreach (int i in members)
            {
                long n = template[i].NumEl;
                received[i] = flat.Narrow(0, offset, n).View(template[i].Shape);
                offset += n;
            }
        }
        return received;
    }

    /// <summary>The tensors' indices grouped by dtype, groups in order of first appearance: one broadcast per group.</summary>
    static List<(DType DType, List<int> Members)> ByDType(IReadOnlyList<Tensor> tensors)
    {
        var groups = new List<(DType, List<int>)>();
        for (int i = 0; i < tensors.Count; i++)
        {
            int g = groups.FindIndex(x => x.Item1 == tensors[i].DType);
            if (g < 0) groups.Add((tensors[i].DType, [i]));
            else groups[g].Item2.Add(i);
        }
        return groups;
    }

    T Timed<T>(Func<T> collective, long bytes)
    {
        collectiveClock.Start();
        try { return collective(); }
        finally
        {
            collectiveClock.Stop();
            BytesExchanged += bytes;
        }
    }
}
