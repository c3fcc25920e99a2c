using System.Runtime.InteropServices;

namespace Ham.Torch.Native;

// device.cpp: what libtorch was built with, copies between devices, pinned host memory.
static unsafe partial class Api
{
    [DllImport(Lib)] internal static extern int ham_cuda_built(out int o);
    [DllImport(Lib)] internal static extern int ham_to_device(IntPtr t, int dev, int idx, int nonBlocking, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_pin_memory(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_is_pinned(IntPtr t, out int o);
}
