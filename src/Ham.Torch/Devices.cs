using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>
/// The devices this process's libtorch can compute on: the CPU always, CUDA devices when libtorch
/// was built with CUDA and a driver shows GPUs. `ham doctor` prints <see cref="Describe"/>.
/// </summary>
public static class Devices
{
    /// <summary>Whether libtorch carries CUDA kernels (a CUDA build), whether or not a GPU is visible.</summary>
    public static bool CudaBuilt
    {
        get
        {
            Api.Check(Api.ham_cuda_built(out int built));
            return built != 0;
        }
    }

    /// <summary>How many devices of a type there are: 1 CPU; the GPUs CUDA shows (0 without CUDA).</summary>
    public static int Count(DeviceType type) => type switch
    {
        DeviceType.CPU => 1,
        DeviceType.CUDA => LibTorch.CudaDeviceCount,
        _ => 0,
    };

    /// <summary>Whether tensors can live on <paramref name="device"/> here ("cuda" without an index means the current one).</summary>
    public static bool IsAvailable(Device device) => device.Type switch
    {
        DeviceType.CPU => true,
        DeviceType.CUDA => Math.Max(device.Index, 0) < Count(DeviceType.CUDA),
        _ => false,
    };

    /// <summary>Every device there is: cpu, then cuda:0, cuda:1, ...</summary>
    public static IReadOnlyList<Device> Visible() =>
        [Device.CPU, .. Enumerable.Range(0, Count(DeviceType.CUDA)).Select(Device.Cuda)];

    /// <summary>Returns <paramref name="device"/>, or throws one line naming it and what this libtorch sees.</summary>
    public static Device Require(Device device) =>
        IsAvailable(device) ? device : throw new ArgumentException($"device {device} is not available: {Describe()}");

    /// <summary>"this libtorch (1.13.1, CPU only) sees cpu", or "... (2.4.1, CUDA) sees cpu, cuda:0, cuda:1".</summary>
    public static string Describe() =>
        $"this libtorch ({LibTorch.Version}, {(CudaBuilt ? "CUDA" : "CPU only")}) sees {string.Join(", ", Visible())}";
}
