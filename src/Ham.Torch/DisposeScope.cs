namespace Ham.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope, and frees them
/// when disposed, so a training step or a request leaves no tensor behind. A tensor that must
/// outlive the scope is moved out with <see cref="MoveToOuter"/> (or detached from scopes with
/// <see cref="Tensor.DetachFromScope"/>). Finalizers remain only a safety net.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] static DisposeScope? innermost;

    readonly DisposeScope? outer;
    readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);
    bool disposed;

    public DisposeScope()
    {
        outer = innermost;
        innermost = this;
    }

    internal static DisposeScope? Current => innermost;

    public int Count => owned.Count;

    internal void Add(Tensor t) => owned.Add(t);

    internal void Remove(Tensor t) => owned.Remove(t);

    /// <summary>Hands the tensors to the enclosing scope (or to no scope) and returns the first.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        Move(tensor);
        return tensor;
    }

    public void MoveToOuter(params Tensor[] tensors)
    {
        foreach (var t in tensors) Move(t);
    }

    void Move(Tensor t)
    {
        if (!owned.Remove(t))
            throw new InvalidOperationException($"{t} is not owned by this scope and cannot be moved out of it.");
        t.Scope = outer;
        outer?.Add(t);
    }

    public void Dispose()
    {
        if (disposed) return;
        if (innermost != this)
            throw new InvalidOperationException("DisposeScope disposed out of order: an inner scope is still open.");
        disposed = true;
        innermost = outer;
        foreach (var t in owned)
        {
            t.Scope = null;
            t.Dispose();
        }
        owned.Clear();
    }
}
