using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Ham.Torch;
using Ham.Merging.Checkpoints;

namespace Ham.Merging;

/// <summary>
/// Runs a <see cref="MergeMethod"/> tensor by tensor: in memory (for the training pipeline) or
/// from memory-mapped safetensors checkpoints to a safetensors file or folder of shards written
/// tensor by tensor to a temp path and renamed at the end, so peak memory is a few tensors, not N models.
/// </summary>
public static class ModelMerger
{
    /// <summary>Merges in-memory state dicts; the result's tensors belong to no scope: the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Merge(MergeMethod method, IReadOnlyDictionary<string, Tensor>? baseState,
        IReadOnlyList<IReadOnlyDictionary<string, Tensor>> models, bool allowMissing = false)
    {
        var sources = models.Select((m, i) => StateSource.Of(m, $"model {i}")).ToList();
        var inputs = new MergeInputs(baseState is null ? null : StateSource.Of(baseState, "base"), sources, allowMissing);
        var merged = new Dictionary<string, Tensor>();
        Prepare(method, inputs);
        Run(method, inputs, dtype => dtype, (name, tensor) => merged[name] = tensor.Clone().DetachFromScope(), null);
        return merged;
    }

    /// <summary>Merges safetensors files into <paramref name="output"/>; the metadata records method, options and inputs.</summary>
    public static void Merge(MergeMethod method, string? basePath, IReadOnlyList<string> modelPaths, string output,
        bool allowMissing = false, Action<int, int>? progress = null) =>
        Merge(method, basePath, modelPaths, new MergeOutput(output), allowMissing, progress);

    /// <summary>
    /// Merges checkpoints (each a safetensors file, a folder with one, or a folder of shards) into
    /// <paramref name="output"/>: a file, or a folder of shards with the reference model's config files.
    /// </summary>
    public static void Merge(MergeMethod method, string? basePath, IReadOnlyList<string> modelPaths, MergeOutput output,
        bool allowMissing = false, Action<int, int>? progress = null)
    {
        var sources = new List<StateSource>();
        try
        {
            var baseModel = basePath is null ? null : StateSource.Open(basePath);
            if (baseModel != null) sources.Add(baseModel);
            foreach (string path in modelPaths) sources.Add(StateSource.Open(path));
            var inputs = new MergeInputs(baseModel, sources.Skip(baseModel is null ? 0 : 1).ToList(), allowMissing);
            Prepare(method, inputs);
            var layout = inputs.Names.Select(n => { var (d, s) = inputs.Reference.Describe(n); return (n, output.Of(d), s); }).ToList();
            using var writer = CheckpointWriter.Open(output, layout, Metadata(method, basePath, modelPaths), inputs.Reference.Folder);
            WriteBehind(writer, write => Run(method, inputs, output.Of, write, progress));
            writer.Complete();
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="merge"/> with a write action that hands each tensor to a thread of its
    /// own, at most two behind: writing tensor k (copying it into the page cache) overlaps merging
    /// tensor k + 1. The writer owns and frees the tensors; its first error stops the merge and is
    /// rethrown as it was.
    /// </summary>
    static void WriteBehind(CheckpointWriter writer, Action<Action<string, Tensor>> merge)
    {
        using var failed = new CancellationTokenSource();
        using var pending = new BlockingCollection<(string Name, Tensor Tensor)>(boundedCapacity: 2);
        var writing = Task.Run(() =>
        {
            try
            {
                foreach (var (name, tensor) in pending.GetConsumingEnumerable())
                    using (tensor) writer.Write(name, tensor);
            }
            catch
            {
                failed.Cancel();
                throw;
            }
        });
        try
        {
            merge((name, tensor) =>
            {
                var owned = tensor.DetachFromScope();
                try
                {
                    pending.Add((name, owned), failed.Token);
                }
                catch
                {
                    owned.Dispose();
                    throw;
                }
            });
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            // The writer failed: its exception, below, says why.
        }
        finally
        {
            pending.CompleteAdding();
            try
            {
                writing.Wait();
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
            finally
            {
                foreach (var (_, tensor) in pending) tensor.Dispose(); // left by a failed writer
            }
        }
    }

    /// <summary>
    /// Checks the model count and that every per-tensor filter matches some tensor, then runs the
    /// method's passes over the whole model (before the output is opened: its metadata records
    /// what the passes resolved, such as a default lambda of 1/N).
    /// </summary>
    static void Prepare(MergeMethod method, MergeInputs inputs)
    {
        var (min, max) = method.ModelCount;
        if (inputs.Models.Count < min || inputs.Models.Count > max)
            throw new ArgumentException($"merge method '{method.Name}' merges {(min == max ? $"exactly {min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}")} model{(max == 1 ? "" : "s")}, got {inputs.Models.Count}");
        foreach (var (parameter, rule) in method.Configured?.Rules ?? [])
            if (rule.Filter is { } filter && !inputs.Names.Any(n => n.Contains(filter, StringComparison.Ordinal)))
                throw new ArgumentException($"{rule.Where}: filter '{filter}' of {parameter} matches no tensor of {inputs.Reference.Origin}");
        method.Prepare(inputs);
    }

    /// <summary>Merges every tensor in the reference's order, written in the dtype <paramref name="written"/> gives for its stored one.</summary>
    static void Run(MergeMethod method, MergeInputs inputs, Func<DType, DType> written, Action<string, Tensor> write, Action<int, int>? progress)
    {
        int done = 0;
        foreach (string name in inputs.Names)
        {
            using var scope = new DisposeScope();
            var dtype = written(inputs.Reference.Describe(name).DType);
            // A tensor no model changed (a frozen part) is copied, not recomputed as theta0 + 0,
            // which would turn the base's -0.0 into +0.0.
            var tensor = method.Merges(inputs, name) && !inputs.Unchanged(name) ? method.Merge(inputs, name).To(dtype) : inputs.Reference.Read(name).To(dtype);
            write(name, tensor);
            progress?.Invoke(++done, inputs.Names.Count);
        }
    }

    static Dictionary<string, string> Metadata(MergeMethod method, string? basePath, IReadOnlyList<string> modelPaths)
    {
        var metadata = new Dictionary<string, string>
        {
            ["ham.merge.method"] = method.Name,
            ["ham.merge.models"] = string.Join("\n", modelPaths.Select(Path.GetFullPath)),
        };
        if (basePath != null) metadata["ham.merge.base"] = Path.GetFullPath(basePath);
        foreach (var (key, value) in method.Settings) metadata[$"ham.merge.{key}"] = value;
        return metadata;
    }
}
