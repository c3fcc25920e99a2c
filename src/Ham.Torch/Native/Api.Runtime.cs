using System.Runtime.InteropServices;

namespace Ham.Torch.Native;

/// <summary>P/Invoke declarations of native/src/*.cpp. Handles are at::Tensor* (see ham.h).</summary>
static unsafe partial class Api
{
    const string Lib = NativeLibraryLoader.LibraryName;

    /// <summary>Throws the message libtorch left when an entry point returned non-zero.</summary>
    internal static void Check(int status)
    {
        if (status != 0) throw new TorchException(Marshal.PtrToStringUTF8(ham_last_error()) ?? "unknown libtorch error");
    }

    [DllImport(Lib)] internal static extern IntPtr ham_last_error();
    [DllImport(Lib)] internal static extern int ham_version(byte* buffer, int capacity);
    [DllImport(Lib)] internal static extern int ham_config(byte* buffer, int capacity);
    [DllImport(Lib)] internal static extern int ham_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int ham_get_num_threads(out int n);
    [DllImport(Lib)] internal static extern int ham_set_num_interop_threads(int n);
    [DllImport(Lib)] internal static extern int ham_cuda_device_count(out int n);
    [DllImport(Lib)] internal static extern int ham_grad_enabled(out int enabled);
    [DllImport(Lib)] internal static extern int ham_set_grad_enabled(int enabled);
    [DllImport(Lib)] internal static extern int ham_manual_seed(ulong seed);
    [DllImport(Lib)] internal static extern int ham_generator_new(ulong seed, out IntPtr generator);
    [DllImport(Lib)] internal static extern void ham_generator_free(IntPtr generator);
    [DllImport(Lib)] internal static extern int ham_generator_get_state(IntPtr generator, out IntPtr state);
    [DllImport(Lib)] internal static extern int ham_generator_set_state(IntPtr generator, IntPtr state);
}
