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
    /// The address of <paramref name="name"/>'s values when this source already holds them
    /// contiguous, on the CPU and in <paramref name="dtype"/> (a mapped file, a state dict), so a
    /// merge reads them in place; null when they need a conversion (<see cref="Read"/> then).
    /// Valid while the source is open and the tensor unchanged.
    /// </summary>
    internal virtual unsafe void* Address(string name, DType dtype) => null;

    /// <summary>Tells the source a pass over <paramref name="name"/>'s values is done (a mapped file drops its pages).</summary>
    internal virtual void Release(string name) { }

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

        internal override unsafe void* Address(string name, DType dtype)
        {
            var t = state[name];
            return t.DType == dtype && t.Device == Device.CPU && t.IsContiguous && t.NumEl > 0
                ? System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(t.Bytes))
                : null;
        }
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

        internal override unsafe void* Address(string name, DType dtype) =>
            file.Entry(name) is var e && e.DType == dtype ? file.Address(e) : null;

        internal override void Release(string name) => file.Release(file.Entry(name));

        /// <summary>Compares the mapped bytes directly: no copy, memcmp speed.</summary>
        public override bool SameAs(StateSource other, string name) => other is File f && file.Entry(name).DType == f.file.Entry(name).DType
            ? file.Bytes(name).SequenceEqual(f.file.Bytes(name))
            : base.SameAs(other, name);
    }
}
