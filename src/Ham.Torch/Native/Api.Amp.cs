using System.Runtime.InteropServices;

namespace Ham.Torch.Native;

// amp.cpp: autocast state and the gradient scaler's two ops.
static unsafe partial class Api
{
    [DllImport(Lib)] internal static extern int ham_autocast_get(int deviceType, out int enabled, out int dtype);
    [DllImport(Lib)] internal static extern int ham_autocast_set(int deviceType, int enabled, int dtype);
    [DllImport(Lib)] internal static extern int ham_autocast_nesting(int delta, out int depth);
    [DllImport(Lib)] internal static extern int ham_autocast_clear_cache();
    [DllImport(Lib)] internal static extern int ham_amp_unscale_(IntPtr* grads, int n, IntPtr foundInf, IntPtr invScale);
    [DllImport(Lib)] internal static extern int ham_amp_update_scale_(IntPtr scale, IntPtr growthTracker, IntPtr foundInf, double growthFactor, double backoffFactor, long growthInterval);
}
