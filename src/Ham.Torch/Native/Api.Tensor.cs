using System.Runtime.InteropServices;

namespace Ham.Torch.Native;

// tensor.cpp: lifetime, metadata, creation, host copies, conversion, autograd.
static unsafe partial class Api
{
    [DllImport(Lib)] internal static extern void ham_free(IntPtr t);
    [DllImport(Lib)] internal static extern int ham_alias(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_dim(IntPtr t, out int o);
    [DllImport(Lib)] internal static extern int ham_sizes(IntPtr t, long* o, int capacity);
    [DllImport(Lib)] internal static extern int ham_strides(IntPtr t, long* o, int capacity);
    [DllImport(Lib)] internal static extern int ham_dtype(IntPtr t, out int o);
    [DllImport(Lib)] internal static extern int ham_device_of(IntPtr t, out int type, out int index);
    [DllImport(Lib)] internal static extern int ham_numel(IntPtr t, out long o);
    [DllImport(Lib)] internal static extern int ham_is_contiguous(IntPtr t, out int o);

    [DllImport(Lib)] internal static extern int ham_empty(long* dims, int n, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_zeros(long* dims, int n, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_ones(long* dims, int n, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_full(long* dims, int n, double value, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_arange(double start, double end, double step, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_linspace(double start, double end, long steps, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_eye(long n, int dtype, int dev, int idx, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_from_buffer(void* data, long nbytes, long* dims, int n, int dtype, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_to_buffer(IntPtr t, void* data, long nbytes);
    [DllImport(Lib)] internal static extern int ham_data_ptr(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_item_double(IntPtr t, out double o);
    [DllImport(Lib)] internal static extern int ham_item_long(IntPtr t, out long o);

    [DllImport(Lib)] internal static extern int ham_to(IntPtr t, int dtype, int dev, int idx, int copy, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_clone(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_contiguous(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_contiguous_channels_last(IntPtr t, out IntPtr o);

    [DllImport(Lib)] internal static extern int ham_requires_grad(IntPtr t, out int o);
    [DllImport(Lib)] internal static extern int ham_set_requires_grad(IntPtr t, int value);
    [DllImport(Lib)] internal static extern int ham_is_leaf(IntPtr t, out int o);
    [DllImport(Lib)] internal static extern int ham_detach(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_retain_grad(IntPtr t);
    [DllImport(Lib)] internal static extern int ham_grad(IntPtr t, out IntPtr o);
    [DllImport(Lib)] internal static extern int ham_set_grad(IntPtr t, IntPtr g);
    [DllImport(Lib)] internal static extern int ham_backward(IntPtr* roots, IntPtr* grads, int n, int retainGraph);
    [DllImport(Lib)] internal static extern int ham_autograd_grad(IntPtr* outputs, IntPtr* gradOutputs, int nOut, IntPtr* inputs, int nIn, int createGraph, IntPtr* o);
    [DllImport(Lib)] internal static extern int ham_set_data(IntPtr t, IntPtr data);
}
