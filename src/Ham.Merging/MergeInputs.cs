using Ham.Torch;

namespace Ham.Merging;

/// <summary>
/// The base model theta0 (optional for some methods) and the input models theta_i of a merge,
/// checked to share names and shapes. Output names and dtypes are the base's (else the first
/// model's). Tensors are read one name at a time, upcast to the compute dtype (float64 when the
/// reference tensor is float64, else float32).
/// </summary>
public sealed class MergeInputs
{
    public MergeInputs(StateSource? baseModel, IReadOnlyList<StateSource> models, bool allowMissing = false)
    {
        if (models.Count == 0) throw new ArgumentException("a merge needs at least one input model");
        Base = baseModel;
        Models = models;
        Reference = baseModel ?? models[0];
        AllowMissing = allowMissing;
        Check();
    }

    public StateSource? Base { get; }
    public IReadOnlyList<StateSource> Models { get; }
    public bool AllowMissing { get; }

    /// <summary>The source of the output's names, dtypes and shapes: the base, else the first model.</summary>
    public StateSource Reference { get; }

    public IReadOnlyList<string> Names => Reference.Names;

    /// <summary>Whether every model has <paramref name="name"/> (only false with --allow-missing).</summary>
    public bool AllModelsHave(string name) => Models.All(m => m.Contains(name));

    public bool IsFloatingPoint(string name) => Reference.Describe(name).DType.IsFloatingPoint();

    /// <summary>Names that the methods merge: floating-point and present in every model.</summary>
    public IEnumerable<string> FloatNames => Names.Where(n => IsFloatingPoint(n) && AllModelsHave(n));

    public StateSource RequireBase(string method) =>
        Base ?? throw new ArgumentException($"merge method '{method}' needs a base model (--base)");

    public DType ComputeDType(string name) => Reference.Describe(name).DType == DType.Float64 ? DType.Float64 : DType.Float32;

    /// <summary>theta0 for <paramref name="name"/> in the compute dtype (the base is required).</summary>
    public Tensor ReadBase(string name) => Base!.Read(name).To(ComputeDType(name));

    /// <summary>theta_i for <paramref name="name"/> in the compute dtype.</summary>
    public Tensor ReadModel(int model, string name) => Models[model].Read(name).To(ComputeDType(name));

    /// <summary>All theta_i for <paramref name="name"/>.</summary>
    public Tensor[] ReadModels(string name) => Enumerable.Range(0, Models.Count).Select(i => ReadModel(i, name)).ToArray();

    /// <summary>Whether every model holds the base's exact bytes for <paramref name="name"/> (a frozen tensor).</summary>
    public bool Unchanged(string name) =>
        Base is not null && IsFloatingPoint(name) && AllModelsHave(name) && Models.All(m => m.SameAs(Base, name));

    /// <summary>The task vector v_i = theta_i - theta0 of model <paramref name="model"/> for <paramref name="name"/>.</summary>
    public Tensor ReadDelta(int model, string name)
    {
        using var scope = new DisposeScope();
        return scope.MoveToOuter(ReadModel(model, name) - ReadBase(name));
    }

    /// <summary>The task vectors v_i = theta_i - theta0 for <paramref name="name"/>.</summary>
    public Tensor[] ReadDeltas(string name)
    {
        using var scope = new DisposeScope();
        var theta0 = ReadBase(name);
        var deltas = Enumerable.Range(0, Models.Count).Select(i => ReadModel(i, name) - theta0).ToArray();
        scope.MoveToOuter(deltas);
        return deltas;
    }

    void Check()
    {
        var sources = (Base is null ? Models : Models.Prepend(Base)).ToList();
        foreach (var source in sources.Where(s => s != Reference))
        {
            var extra = source.Names.Where(n => !Reference.Contains(n)).ToList();
            if (extra.Count > 0 && !AllowMissing)
                throw new InvalidDataException($"{source.Origin} has tensors that {Reference.Origin} lacks: {Listing(extra)}");
            var missing = Reference.Names.Where(n => !source.Contains(n)).ToList();
            if (missing.Count > 0 && (!AllowMissing || source == Base))
                throw new InvalidDataException($"{source.Origin} lacks tensors of {Reference.Origin}: {Listing(missing)}" +
                    (source == Base ? "" : " (--allow-missing copies the base's values for them)"));
            foreach (string name in Reference.Names.Where(source.Contains))
            {
                var (_, shape) = source.Describe(name);
                var (_, expected) = Reference.Describe(name);
                if (!shape.SequenceEqual(expected))
                    throw new InvalidDataException($"tensor '{name}' is [{string.Join(", ", shape)}] in {source.Origin} but [{string.Join(", ", expected)}] in {Reference.Origin}");
            }
        }
    }

    static string Listing(List<string> names) =>
        string.Join(", ", names.Take(10).Select(n => $"'{n}'")) + (names.Count > 10 ? $" and {names.Count - 10} more" : "");
}
