using System.Runtime.InteropServices;
using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>
/// A libtorch tensor. The managed object owns one native handle; <see cref="Dispose"/> frees it
/// at once, the innermost <see cref="DisposeScope"/> frees it at the scope's end, and the
/// finalizer frees it only if both were forgotten.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    IntPtr handle;
    long[]? shape;

    internal DisposeScope? Scope;

    internal Tensor(IntPtr handle)
    {
        if (handle == IntPtr.Zero) throw new ArgumentException("null tensor handle");
        this.handle = handle;
        Scope = DisposeScope.Current;
        Scope?.Add(this);
    }

    ~Tensor()
    {
        if (handle != IntPtr.Zero) Api.ham_free(handle);
    }

    internal IntPtr Handle =>
        handle != IntPtr.Zero ? handle : throw new ObjectDisposedException("Tensor", "the tensor was disposed (by Dispose or by the end of its DisposeScope)");

    public bool IsDisposed => handle == IntPtr.Zero;

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        Api.ham_free(handle);
        handle = IntPtr.Zero;
        Scope?.Remove(this);
        Scope = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Takes the tensor out of every scope: the caller now disposes it (or the finalizer does).</summary>
    public Tensor DetachFromScope()
    {
        Scope?.Remove(this);
        Scope = null;
        return this;
    }

    internal static Tensor Wrap(int status, IntPtr result)
    {
        Api.Check(status);
        return new Tensor(result);
    }

    // ---- metadata ----

    public long[] Shape
    {
        get
        {
            if (shape != null) return shape;
            Api.Check(Api.ham_dim(Handle, out int n));
            var s = new long[n];
            fixed (long* p = s) Api.Check(Api.ham_sizes(Handle, p, n));
            return shape = s;
        }
    }

    public int Dim => Shape.Length;

    /// <summary>Size of one dimension; negative counts from the end.</summary>
    public long Size(int dim) => Shape[dim < 0 ? dim + Dim : dim];

    public long NumEl
    {
        get
        {
            Api.Check(Api.ham_numel(Handle, out long n));
            return n;
        }
    }

    public DType DType
    {
        get
        {
            Api.Check(Api.ham_dtype(Handle, out int d));
            return (DType)d;
        }
    }

    public Device Device
    {
        get
        {
            Api.Check(Api.ham_device_of(Handle, out int type, out int index));
            return new Device((DeviceType)type, index);
        }
    }

    public bool IsContiguous
    {
        get
        {
            Api.Check(Api.ham_is_contiguous(Handle, out int c));
            return c != 0;
        }
    }

    public long[] Strides
    {
        get
        {
            var s = new long[Dim];
            fixed (long* p = s) Api.Check(Api.ham_strides(Handle, p, s.Length));
            return s;
        }
    }

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor(shape=[{string.Join(", ", Shape)}], dtype={DType.Name()}, device={Device})";

    // ---- host memory ----

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> in the given shape.</summary>
    public static Tensor FromArray<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given");
        return FromBytes(MemoryMarshal.AsBytes(data), DTypeOf<T>(), shape);
    }

    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromArray((ReadOnlySpan<T>)data, shape.Length == 0 ? [data.LongLength] : shape);

    /// <summary>A 0-dim tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>A new CPU tensor whose bytes are a copy of <paramref name="bytes"/> (safetensors, codecs).</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, ReadOnlySpan<long> shape)
    {
        IntPtr r;
        int st;
        fixed (byte* b = bytes)
        fixed (long* s = shape)
            st = Api.ham_from_buffer(b, bytes.Length, s, shape.Length, (int)dtype, out r);
        return Wrap(st, r);
    }

    /// <summary>Copies the values (any device, any layout) into a new managed array.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var dtype = DType;
        if (dtype != DTypeOf<T>())
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}> on a {dtype.Name()} tensor: convert with To(DType.{DTypeOf<T>()}) first");
        var result = new T[NumEl];
        CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Copies the raw bytes (made contiguous, on CPU) into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        fixed (byte* p = destination) Api.Check(Api.ham_to_buffer(Handle, p, destination.Length));
    }

    /// <summary>
    /// The address of a contiguous CPU tensor's first element, valid while the tensor lives: the
    /// one way C# reaches a tensor's memory (<see cref="Bytes"/>, <see cref="MutableBytes"/>, kernels
    /// that write a tensor in place).
    /// </summary>
    public nint DataAddress
    {
        get
        {
            if (!IsContiguous) throw new InvalidOperationException("the memory of a non-contiguous tensor (call Contiguous() first)");
            Api.Check(Api.ham_data_ptr(Handle, out IntPtr p));
            return p;
        }
    }

    /// <summary>The memory of a contiguous CPU tensor, valid while the tensor lives.</summary>
    public ReadOnlySpan<byte> Bytes => new((void*)DataAddress, ByteLength);

    /// <summary>
    /// The writable memory of a contiguous CPU tensor, valid while the tensor lives: lets C# code
    /// fill a new tensor (from <see cref="Empty"/>) in place instead of building an array and copying it.
    /// </summary>
    public Span<byte> MutableBytes => new((void*)DataAddress, ByteLength);

    int ByteLength => checked((int)(NumEl * DType.ElementSize()));

    /// <summary><see cref="MutableBytes"/> as elements of type <typeparamref name="T"/>, which must be the tensor's dtype.</summary>
    public Span<T> DataSpan<T>() where T : unmanaged
    {
        if (DType != DTypeOf<T>())
            throw new InvalidOperationException($"DataSpan<{typeof(T).Name}> on a {DType.Name()} tensor");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(MutableBytes);
    }

    /// <summary>Overwrites a contiguous CPU tensor's memory with <paramref name="count"/> bytes from <paramref name="source"/>.</summary>
    internal void CopyFrom(byte* source, long count)
    {
        long size = NumEl * DType.ElementSize();
        if (count != size) throw new ArgumentException($"copy of {count} bytes into a tensor of {size}");
        Api.Check(Api.ham_data_ptr(Handle, out IntPtr p));
        Buffer.MemoryCopy(source, (void*)p, size, count);
    }

    public double Item()
    {
        Api.Check(Api.ham_item_double(Handle, out double v));
        return v;
    }

    public long ItemLong()
    {
        Api.Check(Api.ham_item_long(Handle, out long v));
        return v;
    }

    public static DType DTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(int) ? DType.Int32 :
        typeof(T) == typeof(short) ? DType.Int16 :
        typeof(T) == typeof(byte) ? DType.UInt8 :
        typeof(T) == typeof(sbyte) ? DType.Int8 :
        typeof(T) == typeof(bool) ? DType.Bool :
        typeof(T) == typeof(Half) ? DType.Float16 :
        throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}");

    // ---- creation ----

    delegate int Creator(long* dims, int n, out IntPtr r);

    static Tensor Create(ReadOnlySpan<long> shape, Creator create)
    {
        fixed (long* s = shape)
        {
            int st = create(s, shape.Length, out IntPtr r);
            return Wrap(st, r);
        }
    }

    public static Tensor Empty(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Create(shape, (long* s, int n, out IntPtr r) => Api.ham_empty(s, n, (int)dtype, (int)d.Type, d.Index, out r));
    }

    public static Tensor Zeros(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Create(shape, (long* s, int n, out IntPtr r) => Api.ham_zeros(s, n, (int)dtype, (int)d.Type, d.Index, out r));
    }

    public static Tensor Ones(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Create(shape, (long* s, int n, out IntPtr r) => Api.ham_ones(s, n, (int)dtype, (int)d.Type, d.Index, out r));
    }

    public static Tensor Full(ReadOnlySpan<long> shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Create(shape, (long* s, int n, out IntPtr r) => Api.ham_full(s, n, value, (int)dtype, (int)d.Type, d.Index, out r));
    }

    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Wrap(Api.ham_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out IntPtr r), r);
    }

    public static Tensor Arange(long end, DType dtype = DType.Int64) => Arange(0, end, 1, dtype);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Wrap(Api.ham_linspace(start, end, steps, (int)dtype, (int)d.Type, d.Index, out IntPtr r), r);
    }

    public static Tensor Eye(long n, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return Wrap(Api.ham_eye(n, (int)dtype, (int)d.Type, d.Index, out IntPtr r), r);
    }

    public Tensor ZerosLike() => Zeros(Shape, DType, Device);
    public Tensor OnesLike() => Ones(Shape, DType, Device);
    public Tensor FullLike(double value) => Full(Shape, value, DType, Device);

    // ---- conversion ----

    public Tensor To(DType dtype) => Wrap(Api.ham_to(Handle, (int)dtype, (int)Device.Type, Device.Index, 0, out IntPtr r), r);

    /// <summary>
    /// This tensor on <paramref name="device"/> (itself, as a new handle, when it is already there).
    /// <paramref name="nonBlocking"/> (PyTorch's <c>non_blocking=True</c>): a copy from pinned host
    /// memory (<see cref="PinMemory"/>) to a CUDA device returns before it completes, ordered on the
    /// current CUDA stream, so the next batch uploads while this one computes; from pageable memory
    /// it completes first. Use it for host-to-device copies only: the values of a device-to-host copy
    /// made without blocking may be read by C# before they have arrived.
    /// </summary>
    public Tensor To(Device device, bool nonBlocking = false) =>
        Wrap(Api.ham_to_device(Handle, (int)device.Type, device.Index, nonBlocking ? 1 : 0, out IntPtr r), r);

    public Tensor To(Device device, DType dtype) => Wrap(Api.ham_to(Handle, (int)dtype, (int)device.Type, device.Index, 0, out IntPtr r), r);
    public Tensor Clone() => Wrap(Api.ham_clone(Handle, out IntPtr r), r);
    public Tensor Contiguous() => Wrap(Api.ham_contiguous(Handle, out IntPtr r), r);

    /// <summary>
    /// This 4-d tensor's values laid out NHWC (PyTorch's torch.channels_last): the shape stays
    /// (N, C, H, W), the strides become (HWC, 1, WC, C). Convolutions and batch norm follow their
    /// input's layout, so a network fed channels-last stays channels-last.
    /// </summary>
    public Tensor ContiguousChannelsLast() => Wrap(Api.ham_contiguous_channels_last(Handle, out IntPtr r), r);

    /// <summary>
    /// A page-locked copy of this CPU tensor, from which <c>To(cuda, nonBlocking: true)</c> copies
    /// asynchronously. Where CUDA is not available (a CPU-only libtorch, or no GPU) there is no
    /// copy to speed up: it returns this tensor itself as a new handle, unpinned, rather than failing,
    /// so a loader may pin unconditionally. Either way the caller owns the returned handle.
    /// </summary>
    public Tensor PinMemory() => Wrap(Api.ham_pin_memory(Handle, out IntPtr r), r);

    /// <summary>Whether this tensor's memory is page-locked host memory (never without CUDA).</summary>
    public bool IsPinned
    {
        get
        {
            Api.Check(Api.ham_is_pinned(Handle, out int pinned));
            return pinned != 0;
        }
    }

    /// <summary>A second managed handle to the same tensor (same storage, same autograd node).</summary>
    public Tensor Alias() => Wrap(Api.ham_alias(Handle, out IntPtr r), r);
}
