using Ham.Torch.Native;

namespace Ham.Torch;

// Autograd: the graph is libtorch's; these are thin handles onto it.
public sealed unsafe partial class Tensor
{
    public bool RequiresGrad
    {
        get
        {
            Api.Check(Api.ham_requires_grad(Handle, out int v));
            return v != 0;
        }
        set => Api.Check(Api.ham_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets requires_grad and returns this tensor (for chaining, as requires_grad_()).</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    public bool IsLeaf
    {
        get
        {
            Api.Check(Api.ham_is_leaf(Handle, out int v));
            return v != 0;
        }
    }

    /// <summary>The accumulated gradient as a new handle, or null before any backward.</summary>
    public Tensor? Grad
    {
        get
        {
            Api.Check(Api.ham_grad(Handle, out IntPtr g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => Api.Check(Api.ham_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
    }

    public void RetainGrad() => Api.Check(Api.ham_retain_grad(Handle));

    public Tensor Detach() => Wrap(Api.ham_detach(Handle, out IntPtr r), r);

    /// <summary>Replaces the values behind this tensor, keeping its identity (PyTorch's <c>p.data = x</c>).</summary>
    public void SetData(Tensor data) => Api.Check(Api.ham_set_data(Handle, data.Handle));

    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        IntPtr root = Handle, grad = gradient?.Handle ?? IntPtr.Zero;
        Api.Check(Api.ham_backward(&root, &grad, 1, retainGraph ? 1 : 0));
    }
}

public static unsafe class Autograd
{
    /// <summary>torch.autograd.grad: gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>; null where unused.</summary>
    public static Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null, bool createGraph = false)
    {
        var outs = outputs.Select(t => t.Handle).ToArray();
        var gouts = outputs.Select((_, i) => gradOutputs?[i]?.Handle ?? IntPtr.Zero).ToArray();
        var ins = inputs.Select(t => t.Handle).ToArray();
        var result = new IntPtr[ins.Length];
        fixed (IntPtr* o = outs, g = gouts, i = ins, r = result)
            Api.Check(Api.ham_autograd_grad(o, g, outs.Length, i, ins.Length, createGraph ? 1 : 0, r));
        return result.Select(h => h == IntPtr.Zero ? null : new Tensor(h)).ToArray();
    }
}

/// <summary>Disables gradient recording on this thread until disposed (torch.no_grad()).</summary>
public readonly struct NoGradScope : IDisposable
{
    readonly bool previous;

    public NoGradScope()
    {
        Api.Check(Api.ham_grad_enabled(out int enabled));
        previous = enabled != 0;
        Api.Check(Api.ham_set_grad_enabled(0));
    }

    public void Dispose() => Api.Check(Api.ham_set_grad_enabled(previous ? 1 : 0));
}
