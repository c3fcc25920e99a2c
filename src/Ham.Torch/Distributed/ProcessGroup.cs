using Ham.Torch.Native;

namespace Ham.Torch.Distributed;

/// <summary>
/// A c10d process group (torch.distributed's engine, from libtorch): Gloo for CPU tensors, NCCL
/// for CUDA ones where libtorch has it. Every collective blocks until done and waits at most the
/// group's timeout; a lost peer raises a <see cref="TorchException"/> that names the lost rank
/// (found by the heartbeats each rank keeps in the store, native/src/distributed.cpp).
/// Collectives must be called by every rank in the same order, as in torch.distributed.
/// Failures of the group (rendezvous, collectives) are <see cref="DistributedException"/>s.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    /// <summary>How long a collective or the rendezvous waits when no timeout is given (HAM_DIST_TIMEOUT overrides it).</summary>
    public const double DefaultTimeoutSeconds = 300;

    IntPtr handle;

    ProcessGroup(IntPtr handle)
    {
        this.handle = handle;
        Check(Api.ham_dist_rank(handle, out int rank, out int size));
        Rank = rank;
        WorldSize = size;
    }

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>Whether this libtorch was built with NCCL (CUDA tensors then go over NCCL, others over Gloo).</summary>
    public static bool NcclBuilt
    {
        get
        {
            Check(Api.ham_dist_nccl_built(out int built));
            return built != 0;
        }
    }

    /// <summary>
    /// Joins the group over a TCPStore at <paramref name="host"/>:<paramref name="port"/>; rank 0
    /// serves the store. Returns once all <paramref name="worldSize"/> ranks have joined, or throws
    /// after <paramref name="timeoutSeconds"/>.
    /// </summary>
    public static ProcessGroup Create(string host, int port, int rank, int worldSize, double timeoutSeconds = DefaultTimeoutSeconds) =>
        new(Open(Api.ham_dist_new_tcp(host, port, rank, worldSize, rank == 0 ? 1 : 0, timeoutSeconds, out IntPtr h), h));

    /// <summary>Joins the group over a FileStore at <paramref name="path"/> (a file every rank sees; it must not hold an old run's store).</summary>
    public static ProcessGroup CreateWithFile(string path, int rank, int worldSize, double timeoutSeconds = DefaultTimeoutSeconds) =>
        new(Open(Api.ham_dist_new_file(path, rank, worldSize, timeoutSeconds, out IntPtr h), h));

    /// <summary>The group torchrun's environment describes (<see cref="LaunchEnvironment"/>), with the timeout of HAM_DIST_TIMEOUT (seconds) or the default.</summary>
    public static ProcessGroup Create(LaunchEnvironment launch) =>
        Create(launch.MasterAddress, launch.MasterPort, launch.Rank, launch.WorldSize, TimeoutFromEnvironment());

    /// <summary>HAM_DIST_TIMEOUT in seconds, else <see cref="DefaultTimeoutSeconds"/>.</summary>
    public static double TimeoutFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable("HAM_DIST_TIMEOUT");
        if (string.IsNullOrEmpty(text)) return DefaultTimeoutSeconds;
        if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out double s) || !(s > 0) || double.IsInfinity(s))
            throw new ArgumentException($"HAM_DIST_TIMEOUT='{text}' is not a positive number of seconds");
        return s;
    }

    static IntPtr Open(int status, IntPtr handle)
    {
        Check(status);
        return handle;
    }

    /// <summary>Like Api.Check, but a failure is the group's: a <see cref="DistributedException"/>.</summary>
    static void Check(int status)
    {
        try { Api.Check(status); }
        catch (TorchException e) { throw new DistributedException(e.Message); }
    }

    IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(ProcessGroup));

    /// <summary>Sums <paramref name="tensor"/> over the ranks, in place (every rank ends with the sum).</summary>
    public void AllReduceSum(Tensor tensor) => Check(Api.ham_dist_all_reduce_sum(Handle, tensor.Handle));

    /// <summary>
    /// Every rank's <paramref name="tensor"/> (same shape, dtype and device on every rank), in rank
    /// order, as new tensors in the caller's scope.
    /// </summary>
    public Tensor[] AllGather(Tensor tensor)
    {
        var outputs = new Tensor[WorldSize];
        for (int r = 0; r < WorldSize; r++) outputs[r] = Tensor.Empty(tensor.Shape, tensor.DType, tensor.Device);
        var handles = stackalloc IntPtr[WorldSize];
        for (int r = 0; r < WorldSize; r++) handles[r] = outputs[r].Handle;
        Check(Api.ham_dist_all_gather(Handle, tensor.Handle, handles, WorldSize));
        return outputs;
    }

    /// <summary>Every rank's <paramref name="tensor"/> stacked in rank order: shape [world size, ...], in the caller's scope.</summary>
    public Tensor AllGatherFlat(Tensor tensor)
    {
        var output = Tensor.Empty([WorldSize, .. tensor.Shape], tensor.DType, tensor.Device);
        Check(Api.ham_dist_all_gather_flat(Handle, tensor.Handle, output.Handle));
        return output;
    }

    /// <summary>Overwrites <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s.</summary>
    public void Broadcast(Tensor tensor, int root) => Check(Api.ham_dist_broadcast(Handle, tensor.Handle, root));

    /// <summary>Waits until every rank has reached this barrier (or the timeout).</summary>
    public void Barrier() => Check(Api.ham_dist_barrier(Handle));

    /// <summary>Every rank's bytes, in rank order (lengths may differ): a gather of the lengths, then of the padded bytes.</summary>
    public byte[][] AllGatherBytes(ReadOnlySpan<byte> mine)
    {
        using var scope = new DisposeScope();
        var lengths = AllGatherFlat(Tensor.FromArray(new long[] { mine.Length })).ToArray<long>();
        long longest = lengths.Max();
        if (longest == 0) return Enumerable.Range(0, WorldSize).Select(_ => Array.Empty<byte>()).ToArray();
        var padded = new byte[longest];
        mine.CopyTo(padded);
        var all = AllGatherFlat(Tensor.FromArray(padded, longest)).ToArray<byte>();
        return Enumerable.Range(0, WorldSize).Select(r => all.AsSpan((int)(r * longest), (int)lengths[r]).ToArray()).ToArray();
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        Api.ham_dist_free(handle);
        handle = IntPtr.Zero;
    }
}
