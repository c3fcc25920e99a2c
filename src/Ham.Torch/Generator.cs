using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>
/// A seeded CPU random generator (libtorch's Philox/MT CPU generator). Every random operation takes
/// one, so each random choice in Ham has its own seed and the same seed gives the same bits.
/// </summary>
public sealed class Generator : IDisposable
{
    IntPtr handle;

    /// <summary>
    /// A seed derived from several parts (a run seed, a source, a step, a position...) by FNV-1a,
    /// so that each random choice has its own stream whatever order or thread it is made on.
    /// </summary>
    public static ulong DeriveSeed(params long[] parts)
    {
        ulong hash = 14695981039346656037UL;
        foreach (long part in parts)
        {
            hash ^= (ulong)part;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    public Generator(ulong seed)
    {
        Api.Check(Api.ham_generator_new(seed, out handle));
        Seed = seed;
    }

    public ulong Seed { get; }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

    /// <summary>The full generator state as a uint8 tensor (for checkpoints).</summary>
    public Tensor GetState() => Tensor.Wrap(Api.ham_generator_get_state(Handle, out IntPtr s), s);

    public void SetState(Tensor state) => Api.Check(Api.ham_generator_set_state(Handle, state.Handle));

    ~Generator()
    {
        if (handle != IntPtr.Zero) Api.ham_generator_free(handle);
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        Api.ham_generator_free(handle);
        handle = IntPtr.Zero;
        GC.SuppressFinalize(this);
    }
}
