using System.Numerics;
using System.Runtime.InteropServices;
using Ham.Torch;

namespace Ham.Merging;

/// <summary>
/// theta0 and the task vectors v_i = theta_i - theta0 of one tensor, for merges that go through
/// the values in C# (<see cref="TaskVectorPass"/>), handed out in chunks. A chunk of every input
/// is copied straight from its source into a small per-thread buffer where the source holds it in
/// the compute dtype T (a safetensors file by positioned reads, a CPU state dict), else from a
/// copy libtorch converted once; v_i is then computed there, so a pass over a model reads every
/// input once and holds no whole tensor. v_i is theta_i - theta0 in T, the same IEEE subtraction
/// libtorch does; with a <c>deltaOf</c> (DARE's dropped v_i) the v_i come from libtorch instead.
/// </summary>
internal sealed unsafe class TaskVectors<T> : IDisposable where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Entries per chunk: a worker's N + 2 chunk buffers stay in L2 (7 x 64 KB for 5 float32 models).</summary>
    public const int ChunkLength = 1 << 14;

    /// <summary>Per thread: v_0 .. v_{N-1}, then theta0, then room for one theta_i, ChunkLength entries each.</summary>
    [ThreadStatic] static T[]? t_buffer;

    /// <summary>Per thread: one chunk of bfloat16 values on their way to float32.</summary>
    [ThreadStatic] static ushort[]? t_bfloat16;

    readonly string _name;
    readonly Operand _theta0;
    readonly Operand[] _operands;
    readonly bool _operandsAreDeltas;
    readonly List<Tensor> _owned = [];

    /// <summary>Where one input's values come from: its source (as stored, or bfloat16 widened chunk by chunk), or a converted copy.</summary>
    readonly struct Operand(StateSource? source, T* copy, bool widensBFloat16 = false)
    {
        public StateSource? Source { get; } = source;
        public T* Copy { get; } = copy;
        public bool WidensBFloat16 { get; } = widensBFloat16;
    }

    TaskVectors(MergeInputs inputs, string name, Func<int, string, Tensor>? deltaOf)
    {
        _name = name;
        var dtype = inputs.ComputeDType(name);
        if (Tensor.DTypeOf<T>() != dtype) throw new InvalidOperationException($"'{name}' is merged in {dtype.Name()}, not {typeof(T).Name}");
        Length = inputs.Reference.Describe(name).Shape.Aggregate(1L, (a, b) => a * b);
        _theta0 = FromSourceOr(inputs.RequireBase("this merge"), dtype, () => inputs.ReadBase(name));
        _operandsAreDeltas = deltaOf is not null;
        _operands = new Operand[inputs.Models.Count];
        for (int i = 0; i < _operands.Length; i++)
            _operands[i] = deltaOf is not null
                ? new Operand(null, Own(deltaOf(i, name)))
                : FromSourceOr(inputs.Models[i], dtype, () => inputs.ReadModel(i, name));
    }

    /// <summary>Opens tensor <paramref name="name"/>; <paramref name="deltaOf"/>, if given, makes each whole v_i (model index, name).</summary>
    public static TaskVectors<T> Open(MergeInputs inputs, string name, Func<int, string, Tensor>? deltaOf) => new(inputs, name, deltaOf);

    public long Length { get; }

    public int Models => _operands.Length;

    public int Chunks => (int)((Length + ChunkLength - 1) / ChunkLength);

    /// <summary>Chunk <paramref name="index"/>: theta0's values and every v_i there (valid until this thread's next call).</summary>
    public TaskVectorChunk<T> Chunk(int index)
    {
        long start = (long)index * ChunkLength;
        int length = (int)Math.Min(ChunkLength, Length - start);
        var buffer = t_buffer is { } b && b.Length >= (Models + 2) * ChunkLength ? b : t_buffer = new T[(Models + 2) * ChunkLength];
        var theta0 = buffer.AsSpan(Models * length, length);
        var operand = buffer.AsSpan((Models + 1) * length, length);
        Fill(_theta0, start, theta0);
        for (int i = 0; i < Models; i++)
        {
            var delta = buffer.AsSpan(i * length, length);
            if (_operandsAreDeltas) Fill(_operands[i], start, delta);
            else
            {
                Fill(_operands[i], start, operand);
                Subtract(operand, theta0, delta);
            }
        }
        return new TaskVectorChunk<T>(start, theta0, buffer.AsSpan(0, Models * length), Models);
    }

    void Fill(Operand from, long start, Span<T> into)
    {
        if (from.Source is { } source && from.WidensBFloat16) WidenBFloat16(source, start, into);
        else if (from.Source is { } stored) stored.CopyValues(_name, start * sizeof(T), MemoryMarshal.AsBytes(into));
        else new ReadOnlySpan<T>(from.Copy + start, into.Length).CopyTo(into);
    }

    /// <summary>
    /// Entries [start, start + into.Length) of a bfloat16 tensor as float32: a bfloat16 is the high
    /// half of a float32, so widening is a 16-bit shift, exact, the bits libtorch's conversion
    /// gives, without converting the whole tensor first.
    /// </summary>
    void WidenBFloat16(StateSource source, long start, Span<T> into)
    {
        var raw = (t_bfloat16 is { } b && b.Length >= into.Length ? b : t_bfloat16 = new ushort[ChunkLength]).AsSpan(0, into.Length);
        source.CopyValues(_name, start * sizeof(ushort), MemoryMarshal.AsBytes(raw));
        var bits = MemoryMarshal.Cast<T, uint>(into);
        int j = 0;
        for (; j <= raw.Length - Vector<ushort>.Count; j += Vector<ushort>.Count)
        {
            Vector.Widen(new Vector<ushort>(raw[j..]), out var low, out var high);
            (low << 16).CopyTo(bits[j..]);
            (high << 16).CopyTo(bits[(j + Vector<uint>.Count)..]);
        }
        for (; j < raw.Length; j++) bits[j] = (uint)raw[j] << 16;
    }

    /// <summary>difference = a - b, entry by entry, a vector at a time.</summary>
    static void Subtract(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> difference)
    {
        int j = 0;
        for (; j <= a.Length - Vector<T>.Count; j += Vector<T>.Count)
            (new Vector<T>(a[j..]) - new Vector<T>(b[j..])).CopyTo(difference[j..]);
        for (; j < a.Length; j++) difference[j] = a[j] - b[j];
    }

    /// <summary>The source itself when it holds the values in the compute dtype (or as bfloat16 for float32), else a copy of <paramref name="read"/>().</summary>
    Operand FromSourceOr(StateSource source, DType dtype, Func<Tensor> read) =>
        source.HoldsAs(_name, dtype) ? new Operand(source, null)
        : typeof(T) == typeof(float) && source.HoldsAs(_name, DType.BFloat16) ? new Operand(source, null, widensBFloat16: true)
        : new Operand(null, Own(read()));

    T* Own(Tensor tensor)
    {
        var owned = tensor.To(Device.CPU, Tensor.DTypeOf<T>()).Contiguous().DetachFromScope();
        _owned.Add(owned);
        return (T*)owned.DataAddress;
    }

    /// <summary>Frees the converted copies.</summary>
    public void Dispose()
    {
        foreach (var tensor in _owned) tensor.Dispose();
        _owned.Clear();
    }
}

/// <summary>One chunk of a tensor: entries [Start, Start + Length) of theta0 and of every v_i.</summary>
internal readonly ref struct TaskVectorChunk<T>(long start, ReadOnlySpan<T> theta0, ReadOnlySpan<T> deltas, int models)
{
    readonly ReadOnlySpan<T> _deltas = deltas;

    public long Start { get; } = start;

    public int Length => Theta0.Length;

    public int Models { get; } = models;

    public ReadOnlySpan<T> Theta0 { get; } = theta0;

    public ReadOnlySpan<T> Delta(int model) => _deltas.Slice(model * Length, Length);

    /// <summary>Every v_i of the chunk, one after the other: v_i's entry j at i * Length + j.</summary>
    public ReadOnlySpan<T> Deltas => _deltas;
}
