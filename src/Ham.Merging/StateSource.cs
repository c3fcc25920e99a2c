using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Merging;

/// <summary>
/// A model's named tensors, read one at a time: an in-memory state dict (the training pipeline)
/// or a memory-mapped safetensors file (`ham merge`), so a merge never needs whole models in memory.
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

    public virtual void Dispose() { }

    public static StateSource Of(IReadOnlyDictionary<string, Tensor> state, string origin) => new InMemory(state, origin);

    public static StateSource Open(string safetensorsPath) => new File(SafetensorsFile.Open(safetensorsPath));

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

    sealed class File(SafetensorsFile mapped) : StateSource
    {
        readonly SafetensorsFile file = mapped;

        public override string Origin => file.Path;
        public override IReadOnlyList<string> Names { get; } = mapped.Entries.Select(e => e.Name).ToList();
        public override bool Contains(string name) => file.Contains(name);
        public override (DType, long[]) Describe(string name) => (file.Entry(name).DType, file.Entry(name).Shape);
        public override Tensor Read(string name) => file.Read(name);
        public override void Dispose() => file.Dispose();

        internal override bool HoldsAs(string name, DType dtype) => file.Entry(name).DType == dtype;

        internal override void CopyValues(string name, long offset, Span<byte> destination) => file.CopyBytes(file.Entry(name), offset, destination);

        /// <summary>Compares the mapped bytes directly: no copy, memcmp speed.</summary>
        public override bool SameAs(StateSource other, string name) => other is File f && file.Entry(name).DType == f.file.Entry(name).DType
            ? file.Bytes(name).SequenceEqual(f.file.Bytes(name))
            : base.SameAs(other, name);
    }
}
