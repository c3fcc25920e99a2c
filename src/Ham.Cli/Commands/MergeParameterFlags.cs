using System.CommandLine;
using Ham.Merging;
using Ham.Merging.Parameters;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham merge`'s parameter flags, made from the methods' declarations: one flag per parameter
/// name, whose help lists the methods that read it with their defaults ("ties (0.2), breadcrumbs
/// (0.1), della (0.7): fraction of update entries kept"). <see cref="Read"/> gives the values a
/// command line sets, as text for the declarations to parse; the chosen method's declaration
/// refuses any it does not read.
/// </summary>
sealed class MergeParameterFlags
{
    readonly List<(string Name, Option Option)> _flags = [];

    public MergeParameterFlags(IReadOnlyList<MethodDeclaration> methods)
    {
        var uses = methods.SelectMany(m => m.Parameters.Select(p => (Method: m.Name, Parameter: p)));
        foreach (var group in uses.GroupBy(u => u.Parameter.Name))
        {
            string flag = "--" + group.Key, help = Help(group.ToList());
            if (group.Select(u => u.Parameter.IsList).Distinct().Count() > 1)
                throw new InvalidOperationException($"{flag} is a list for some methods and a single value for others");
            _flags.Add((group.Key, group.First().Parameter.IsList
                ? new Option<string[]>(flag) { Description = help, AllowMultipleArgumentsPerToken = true }
                : new Option<string>(flag) { Description = help }));
        }
    }

    public IEnumerable<Option> Options => _flags.Select(f => f.Option);

    /// <summary>The parameter values given on the command line (each value's subject is its flag).</summary>
    public IReadOnlyDictionary<string, ParameterValue> Read(ParseResult parse)
    {
        var values = new Dictionary<string, ParameterValue>();
        foreach (var (name, option) in _flags)
            if (parse.GetResult(option) is { Implicit: false } result)
                values[name] = new(result.Tokens.Select(t => t.Value).ToList(), option.Name);
        return values;
    }

    /// <summary>"m1, m2 (default), m3 (other default): help" for each distinct help text, in the methods' order.</summary>
    static string Help(IReadOnlyList<(string Method, MergeParameter Parameter)> uses) =>
        string.Join("; ", uses.GroupBy(u => u.Parameter.Help).Select(byHelp =>
        {
            var byDefault = byHelp.GroupBy(u => u.Parameter.DefaultText ?? "required");
            return $"{string.Join(", ", byDefault.Select(d => $"{string.Join(", ", d.Select(u => u.Method))} ({d.Key})"))}: {byHelp.Key}";
        }));
}
