using Ham.Torch;
using Ham.Merging.Checkpoints;
using Ham.Torch.Serialization;

namespace Ham.Merging;

/// <summary>
/// A model's named tensors, read one at a time: an in-memory state dict (the training pipeline)
/// or memory-mapped safetensors files (`ham merge`: one file or the shards of one model), so a merge never needs whole models in memory.
/// </summary>
public abstract class StateSource : IDisposable
{
    /// <summary>Where the tensors come from, for error messages.</summary>
    public abstract string Origin { get; }

    public abstract IReadOnlyList<string> Names { get; }

    public abstract bool Contains(string name);

    public abstract (DType DType, long[] Shape) Describe(string name);

    /// <summary>A tensor owned by the caller (the current DisposeScope).</summary>
    public abstract Tensor Read(string name);

    /// <summary>
    /// Whether <paramref name="name"/> holds the same values here and in <paramref name="other"/>:
    /// the same bytes when the dtypes match, else equal values in float64 (an fp32 copy of an fp16 base).
    /// </summary>
    public virtual bool SameAs(StateSource other, string name)
    {
        using var scope = new DisposeScope();
        var (a, b) = (Read(name), other.Read(name));
        return a.DType == b.DType
            ? a.Contiguous().Bytes.SequenceEqual(b.Contiguous().Bytes)
            : a.To(DType.Float64).Eq(b.To(DType.Float64)).All().Item() != 0;
    }

    /// <summary>
    /// Whether <paramref name="name"/>'s values are held as they are needed: in
    /// <paramref name="dtype"/>, contiguous, on the CPU, so <see cref="CopyValues"/> can hand them
    /// out in chunks without a conversion (else <see cref="Read"/> converts them).
    /// </summary>
    internal virtual bool HoldsAs(string name, DType dtype) => false;

    /// <summary>Copies bytes [offset, offset + destination.Length) of <paramref name="name"/>'s values, held as <see cref="HoldsAs"/> says.</summary>
    internal virtual void CopyValues(string name, long offset, Span<byte> destination) =>
        throw new NotSupportedException($"{Origin}: '{name}' cannot be read in chunks");

    /// <summary>The folder a checkpoint argument named, where its config files are; null for a file or a state dict.</summary>
    public virtual string? Folder => null;

    public virtual void Dispose() { }

    public static StateSource Of(IReadOnlyDictionary<string, Tensor> state, string origin) => new InMemory(state, origin);

    /// <summary>A safetensors checkpoint: a file, a folder with one, or a folder of shards (<see cref="CheckpointFiles"/>).</summary>
    public static StateSource Open(string path) => new Files(CheckpointFiles.Open(path));

    sealed class InMemory(IReadOnlyDictionary<string, Tensor> state, string origin) : StateSource
    {
        public override string Origin => origin;
        public override IReadOnlyList<string> Names { get; } = state.Keys.ToList();
        public override bool Contains(string name) => state.ContainsKey(name);
        public override (DType, long[]) Describe(string name) => (state[name].DType, state[name].Shape);
        public override Tensor Read(string name) => state[name].Detach();

        internal override bool HoldsAs(string name, DType dtype) =>
            state[name] is var t && t.DType == dtype && t.Device == Device.CPU && t.IsContiguous && t.NumEl * dtype.ElementSize() <= int.MaxValue;

        internal override void CopyValues(string name, long offset, Span<byte> destination) =>
            state[name].Bytes.Slice(checked((int)offset), destination.Length).CopyTo(destination);
    }

    /// <summary>Memory-mapped safetensors files: one, or the shards of one model.</summary>
    sealed class Files(CheckpointFiles checkpoint) : StateSource
    {
        readonly CheckpointFiles files = checkpoint;

        public override string Origin => files.Path;
        public override IReadOnlyList<string> Names => files.Names;
        public override bool Contains(string name) => files.Contains(name);
        public override (DType, long[]) Describe(string name)
        {
            var entry = files.Locate(name).Entry;
            return (entry.DType, entry.Shape);
        }

        public override Tensor Read(string name) => files.Locate(name).File.Read(name);
        public override void Dispose() => files.Dispose();

        public override string? Folder => files.Folder;

        internal override bool HoldsAs(string name, DType dtype) => files.Locate(name).Entry.DType == dtype;

        internal override void CopyValues(string name, long offset, Span<byte> destination)
        {
            var (file, entry) = files.Locate(name);
            file.CopyBytes(entry, offset, destination);
        }

        /// <summary>Compares the mapped bytes directly: no copy, memcmp speed.</summary>
        public override bool SameAs(StateSource other, string name)
        {
            if (other is not Files f) return base.SameAs(other, name);
            var (mine, theirs) = (files.Locate(name), f.files.Locate(name));
            return mine.Entry.DType == theirs.Entry.DType
                ? mine.File.Bytes(mine.Entry).SequenceEqual(theirs.File.Bytes(theirs.Entry))
                : base.SameAs(other, name);
        }
    }
}
