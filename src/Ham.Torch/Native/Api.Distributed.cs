using System.Runtime.InteropServices;

namespace Ham.Torch.Native;

/// <summary>P/Invoke declarations of native/src/distributed.cpp (c10d process groups; the group handle is opaque).</summary>
static unsafe partial class Api
{
    [DllImport(Lib)] internal static extern int ham_dist_nccl_built(out int built);
    [DllImport(Lib)] internal static extern int ham_dist_new_tcp([MarshalAs(UnmanagedType.LPUTF8Str)] string host, int port, int rank, int size,
        int isMaster, double timeoutSeconds, out IntPtr group);
    [DllImport(Lib)] internal static extern int ham_dist_new_file([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int rank, int size,
        double timeoutSeconds, out IntPtr group);
    [DllImport(Lib)] internal static extern void ham_dist_free(IntPtr group);
    [DllImport(Lib)] internal static extern int ham_dist_rank(IntPtr group, out int rank, out int size);
    [DllImport(Lib)] internal static extern int ham_dist_all_reduce_sum(IntPtr group, IntPtr tensor);
    [DllImport(Lib)] internal static extern int ham_dist_all_gather(IntPtr group, IntPtr tensor, IntPtr* outputs, int count);
    [DllImport(Lib)] internal static extern int ham_dist_all_gather_flat(IntPtr group, IntPtr tensor, IntPtr output);
    [DllImport(Lib)] internal static extern int ham_dist_broadcast(IntPtr group, IntPtr tensor, int root);
    [DllImport(Lib)] internal static extern int ham_dist_barrier(IntPtr group);
}
