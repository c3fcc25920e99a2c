namespace Ham.Merging.Parameters;

/// <summary>
/// A merge method as `ham merge` knows it: its name, the parameters it reads (declared once, in
/// the method's class) and how to make it. <see cref="Check"/> is the one place where options
/// that set a parameter the method does not read are refused, whether they came from flags, the
/// YAML config or code. The data-aware methods (Ham.Experiments) have no <see cref="Create"/>: they are made from statistics.
/// </summary>
public sealed record MethodDeclaration(string Name, IReadOnlyList<MergeParameter> Parameters, Func<MergeOptions, MergeMethod>? Create = null)
{
    public MergeParameter? Find(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Refuses a value for a parameter the method does not declare (naming the method and its parameters), and checks every value it does.</summary>
    public void Check(MergeOptions options)
    {
        foreach (string name in options.Given)
            if (Find(name) is null)
            {
                var given = options.Values.GetValueOrDefault(name);
                throw new ArgumentException(Undeclared(name, given?.Subject ?? $"'{name}'", given?.IsFlag ?? false));
            }
        foreach (var parameter in Parameters)
            if (options.Values.TryGetValue(parameter.Name, out var value)) parameter.Check(value);
    }

    /// <summary>"--trim is not a parameter of ties (its parameters: --density, ...)", or the YAML form with keys.</summary>
    public string Undeclared(string name, string subject, bool flag)
    {
        string prefix = flag ? "--" : "";
        string list = Parameters.Count > 0 ? string.Join(", ", Parameters.Select(p => prefix + p.Name)) : "none";
        return $"{subject} is not a parameter of {Name} (its parameters: {list})";
    }
}
