using System.Text;
using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>Process-wide libtorch settings and facts.</summary>
public static unsafe class LibTorch
{
    public static string Version => ReadString(Api.ham_version, 64);

    /// <summary>libtorch's build configuration and parallel settings (BLAS, LAPACK, OpenMP, oneDNN).</summary>
    public static string Config => ReadString(Api.ham_config, 1 << 16);

    public static int Threads
    {
        get
        {
            Api.Check(Api.ham_get_num_threads(out int n));
            return n;
        }
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be >= 1");
            Api.Check(Api.ham_set_num_threads(value));
        }
    }

    public static int CudaDeviceCount
    {
        get
        {
            Api.Check(Api.ham_cuda_device_count(out int n));
            return n;
        }
    }

    public static bool GradEnabled
    {
        get
        {
            Api.Check(Api.ham_grad_enabled(out int e));
            return e != 0;
        }
    }

    public static NoGradScope NoGrad() => new();

    delegate int StringReader(byte* buffer, int capacity);

    static string ReadString(StringReader read, int capacity)
    {
        var buffer = new byte[capacity];
        fixed (byte* b = buffer) Api.Check(read(b, capacity));
        int n = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, n < 0 ? capacity : n);
    }
}
