using System.Numerics;
using Ham.Torch;

namespace Ham.Merging;

/// <summary>
/// theta0 and the task vectors v_i = theta_i - theta0 of one tensor, for merges that go through
/// the values in C# (<see cref="TaskVectorPass"/>). Inputs are read in place where the sources
/// already hold them contiguous in the compute dtype T (a memory-mapped safetensors file, a CPU
/// state dict), else converted by libtorch once. The task vectors are never stored whole: each
/// chunk's v_i are computed into a small per-thread buffer, so a pass over a model reads every
/// input once and holds no copy of it. v_i is theta_i - theta0 in T, the same IEEE subtraction
/// libtorch does; with a <c>deltaOf</c> (DARE's dropped v_i) the v_i come from libtorch instead.
/// </summary>
internal sealed unsafe class TaskVectors<T> : IDisposable where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Entries per chunk: the N task-vector chunks of one worker stay in L2 (5 x 64 KB in float32).</summary>
    public const int ChunkLength = 1 << 14;

    [ThreadStatic] static T[]? t_buffer;

    readonly MergeInputs _inputs;
    readonly string _name;
    readonly T* _theta0;
    readonly T*[] _operands;
    readonly bool _operandsAreDeltas;
    readonly List<Tensor> _owned = [];

    TaskVectors(MergeInputs inputs, string name, Func<int, string, Tensor>? deltaOf)
    {
        _inputs = inputs;
        _name = name;
        var dtype = inputs.ComputeDType(name);
        if (Tensor.DTypeOf<T>() != dtype) throw new InvalidOperationException($"'{name}' is merged in {dtype.Name()}, not {typeof(T).Name}");
        Length = inputs.Reference.Describe(name).Shape.Aggregate(1L, (a, b) => a * b);
        _theta0 = InPlaceOr(inputs.RequireBase("this merge"), name, dtype, () => inputs.ReadBase(name));
        _operandsAreDeltas = deltaOf is not null;
        _operands = new T*[inputs.Models.Count];
        for (int i = 0; i < _operands.Length; i++)
            _operands[i] = deltaOf is not null
                ? Own(deltaOf(i, name))
                : InPlaceOr(inputs.Models[i], name, dtype, () => inputs.ReadModel(i, name));
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
        var buffer = t_buffer is { } b && b.Length >= Models * ChunkLength ? b : t_buffer = new T[Models * ChunkLength];
        var theta0 = new ReadOnlySpan<T>(_theta0 + start, length);
        for (int i = 0; i < Models; i++)
        {
            var operand = new ReadOnlySpan<T>(_operands[i] + start, length);
            var delta = buffer.AsSpan(i * length, length);
            if (_operandsAreDeltas) operand.CopyTo(delta);
            else Subtract(operand, theta0, delta);
        }
        return new TaskVectorChunk<T>(start, theta0, buffer.AsSpan(0, Models * length), Models);
    }

    /// <summary>difference = a - b, entry by entry, 8 (or 4) lanes at a time.</summary>
    static void Subtract(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> difference)
    {
        int j = 0;
        for (; j <= a.Length - Vector<T>.Count; j += Vector<T>.Count)
            (new Vector<T>(a[j..]) - new Vector<T>(b[j..])).CopyTo(difference[j..]);
        for (; j < a.Length; j++) difference[j] = a[j] - b[j];
    }

    /// <summary>The source's own memory when it holds the values as they are needed, else a copy of <paramref name="read"/>().</summary>
    T* InPlaceOr(StateSource source, string name, DType dtype, Func<Tensor> read)
    {
        var address = (T*)source.Address(name, dtype);
        return address != null ? address : Own(read());
    }

    T* Own(Tensor tensor)
    {
        var owned = tensor.To(Device.CPU, Tensor.DTypeOf<T>()).Contiguous().DetachFromScope();
        _owned.Add(owned);
        return (T*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(owned.Bytes));
    }

    /// <summary>Frees the converted copies and lets mapped sources drop this tensor's pages.</summary>
    public void Dispose()
    {
        foreach (var tensor in _owned) tensor.Dispose();
        _owned.Clear();
        _inputs.Base?.Release(_name);
        foreach (var model in _inputs.Models) model.Release(_name);
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
