namespace Ham.Torch.Modules;

/// <summary>
/// A block of a network with named parameters, buffers and child modules, as torch.nn.Module:
/// names are dotted paths in registration order ("blocks.1.attn.in_proj_weight"), which is what
/// state dicts and checkpoints use. Parameters and buffers belong to the module, never to a
/// <see cref="DisposeScope"/>; disposing the module frees them.
/// </summary>
public abstract class Module : IDisposable
{
    readonly List<(string Name, Tensor Tensor)> parameters = [];
    readonly List<(string Name, Tensor Tensor, bool Persistent)> buffers = [];
    readonly List<(string Name, Module Module)> children = [];

    public bool Training { get; private set; } = true;

    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromScope();
        if (tensor.DType.IsFloatingPoint()) tensor.RequiresGrad = true;
        parameters.Add((name, tensor));
        return tensor;
    }

    protected Tensor RegisterBuffer(string name, Tensor tensor, bool persistent = true)
    {
        CheckName(name);
        buffers.Add((name, tensor.DetachFromScope(), persistent));
        return tensor;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name (non-empty, no dots)");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'");
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module and every descendant, with dotted paths ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var m in child.NamedModules(Join(prefix, name)))
                yield return m;
    }

    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters() =>
        NamedModules().SelectMany(m => m.Module.parameters.Select(p => (Join(m.Name, p.Name), p.Tensor)));

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(bool persistentOnly = false) =>
        NamedModules().SelectMany(m => m.Module.buffers
            .Where(b => !persistentOnly || b.Persistent)
            .Select(b => (Join(m.Name, b.Name), b.Tensor)));

    /// <summary>Parameters and persistent buffers by name: the module's own tensors, not copies.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        foreach (var (name, module) in NamedModules())
        {
            foreach (var p in module.parameters) dict[Join(name, p.Name)] = p.Tensor;
            foreach (var b in module.buffers.Where(b => b.Persistent)) dict[Join(name, b.Name)] = b.Tensor;
        }
        return dict;
    }

    /// <summary>
    /// Copies values into this module's tensors (converting dtype and device). Strict: every
    /// missing, unexpected and shape-mismatched key is named in one error, before anything is
    /// copied. Not strict: copies what matches and returns what was missing or unexpected.
    /// </summary>
    public (List<string> Missing, List<string> Unexpected) LoadStateDict(IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Where(kv => source.TryGetValue(kv.Key, out var s) && !s.Shape.SequenceEqual(kv.Value.Shape))
            .Select(kv => $"{kv.Key} (checkpoint [{string.Join(", ", source[kv.Key].Shape)}], model [{string.Join(", ", kv.Value.Shape)}])")
            .ToList();
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add($"missing keys: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) problems.Add($"unexpected keys: {string.Join(", ", unexpected)}");
            if (mismatched.Count > 0) problems.Add($"shape mismatches: {string.Join(", ", mismatched)}");
            throw new ArgumentException($"cannot load state dict into {GetType().Name}: {string.Join("; ", problems)}");
        }
        using (LibTorch.NoGrad())
            foreach (var (name, tensor) in own)
                if (source.TryGetValue(name, out var value)) tensor.Copy_(value);
        return (missing, unexpected);
    }

    public Module Train(bool training = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = training;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>
    /// Moves floating-point parameters and buffers to a device and dtype in place, keeping each
    /// tensor's identity (as PyTorch's <c>param.data = ...</c>): the same C# objects, still leaves
    /// with their requires_grad, so optimizers built over them stay valid. A parameter's .grad
    /// moves with it, as in PyTorch's Module._apply. Integer buffers move device only. Optimizer
    /// state already made stays where it is: move a module before its optimizer first steps (or
    /// loads its state), as with PyTorch.
    /// </summary>
    public Module To(Device device, DType? dtype = null)
    {
        using var scope = new DisposeScope();
        foreach (var t in Parameters().Concat(NamedBuffers().Select(b => b.Tensor)))
        {
            var target = dtype.HasValue && t.DType.IsFloatingPoint() ? dtype.Value : t.DType;
            if (target == t.DType && t.Device == device) continue;
            t.SetData(t.Detach().To(device, target));
            if (t.Grad is { } grad) t.Grad = grad.To(device, target);
        }
        return this;
    }

    public Module To(DType dtype) => To(Parameters().FirstOrDefault()?.Device ?? Device.CPU, dtype);

    /// <summary>Stops (or restarts) gradient tracking for every parameter.</summary>
    public Module Freeze(bool frozen = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = !frozen;
        return this;
    }

    public long ParameterCount() => Parameters().Sum(p => p.NumEl);

    public virtual void Dispose()
    {
        foreach (var (_, t) in parameters) t.Dispose();
        foreach (var (_, t, _) in buffers) t.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}

/// <summary>A module with one tensor in and one out, so it can sit in a <see cref="Sequential"/>.</summary>
public abstract class Layer : Module
{
    public abstract Tensor Forward(Tensor input);
}
