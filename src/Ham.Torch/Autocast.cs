using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>
/// libtorch's autocast over a block, as <c>with torch.autocast(device_type, dtype):</c> does it:
/// inside, ops autocast lists as safe in lower precision (matmul, linear, conv) run in the
/// scope's dtype, ops that need range (softmax, losses, norms) run in fp32, and weights stay as
/// they are (fp32 master weights; each one's low-precision copy is cached until the outermost
/// scope ends). Autocast state belongs to the thread and the device type (cpu or cuda, any
/// index): scopes nest, each restores on <see cref="Dispose"/> what it found, and must be
/// disposed on its thread, innermost first (a <c>using</c> block does both).
/// </summary>
public sealed class Autocast : IDisposable
{
    [ThreadStatic] static Autocast? innermost;

    readonly Autocast? outer;
    readonly DeviceType type;
    readonly bool previousEnabled;
    readonly DType previousDType;
    bool disposed;

    Autocast(DeviceType type, bool enabled, DType? dtype)
    {
        this.type = type;
        Api.Check(Api.ham_autocast_get((int)type, out int wasEnabled, out int wasDType));
        previousEnabled = wasEnabled != 0;
        previousDType = (DType)wasDType;
        Api.Check(Api.ham_autocast_set((int)type, enabled ? 1 : 0, (int)(dtype ?? previousDType)));
        Api.Check(Api.ham_autocast_nesting(1, out _));
        outer = innermost;
        innermost = this;
    }

    /// <summary>
    /// Autocast to <paramref name="dtype"/> (bfloat16 or float16) on <paramref name="device"/>'s type.
    /// Throws, changing nothing, when the device is not there or this libtorch cannot autocast to
    /// that dtype on it (1.13's CPU autocast takes bfloat16 only).
    /// </summary>
    public static Autocast On(Device device, DType dtype)
    {
        if (dtype is not (DType.BFloat16 or DType.Float16))
            throw new ArgumentException($"autocast computes in bfloat16 or float16, not {dtype.Name()}");
        Devices.Require(device);
        try
        {
            return new Autocast(device.Type, true, dtype);
        }
        catch (TorchException e)
        {
            throw new ArgumentException($"autocast to {dtype.Name()} on {device.Type.ToString().ToLowerInvariant()} is not supported by this libtorch ({LibTorch.Version}): {e.Message}", e);
        }
    }

    /// <summary>The scope a training precision asks for: autocast to bf16 or fp16, or for fp32 autocast off.</summary>
    public static Autocast On(Device device, Precision precision) =>
        precision.AutocastDType() is { } dtype ? On(device, dtype) : Off(device);

    /// <summary>Autocast off inside (fp32 for the block, as <c>torch.autocast(..., enabled=False)</c>).</summary>
    public static Autocast Off(Device device) => new(device.Type, false, null);

    /// <summary>Whether autocast is on for this thread and device type.</summary>
    public static bool IsEnabled(DeviceType type)
    {
        Api.Check(Api.ham_autocast_get((int)type, out int enabled, out _));
        return enabled != 0;
    }

    /// <summary>The dtype autocast computes in on this thread and device type (when it is on).</summary>
    public static DType CurrentDType(DeviceType type)
    {
        Api.Check(Api.ham_autocast_get((int)type, out _, out int dtype));
        return (DType)dtype;
    }

    /// <summary>Restores the state found on entry; the outermost scope also frees the cast-weight cache.</summary>
    public void Dispose()
    {
        if (disposed) return;
        if (innermost != this)
            throw new InvalidOperationException("Autocast scope disposed out of order: an inner scope is still open, or this is another thread.");
        disposed = true;
        innermost = outer;
        Api.Check(Api.ham_autocast_nesting(-1, out int depth));
        if (depth == 0) Api.Check(Api.ham_autocast_clear_cache());
        Api.Check(Api.ham_autocast_set((int)type, previousEnabled ? 1 : 0, (int)previousDType));
    }
}
