namespace Ham.Torch.Modules;

/// <summary>Layers applied in order; children are named "0", "1", ... as nn.Sequential's.</summary>
public sealed class Sequential : Layer
{
    readonly List<Layer> layers = [];

    public Sequential(params Layer[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    public void Add(Layer layer)
    {
        RegisterModule(layers.Count.ToString(), layer);
        layers.Add(layer);
    }

    public int Count => layers.Count;
    public Layer this[int index] => layers[index];

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var next = layer.Forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}

/// <summary>An indexed list of modules named "0", "1", ... (nn.ModuleList).</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    readonly List<T> items = [];

    public ModuleList(IEnumerable<T> modules)
    {
        foreach (var m in modules) Add(m);
    }

    public void Add(T module)
    {
        RegisterModule(items.Count.ToString(), module);
        items.Add(module);
    }

    public int Count => items.Count;
    public T this[int index] => items[index];
    public IEnumerable<T> Items => items;
}
