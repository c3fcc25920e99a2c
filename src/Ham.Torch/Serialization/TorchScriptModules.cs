using System.Text.RegularExpressions;

namespace Ham.Torch.Serialization;

/// <summary>
/// The parameters and buffers of a TorchScript module tree as torch.jit.load's named_parameters()
/// and named_buffers() list them. data.pkl holds each module as an object of a class
/// "__torch__.a.b.Name" with its attribute dict; which attributes are parameters and buffers the
/// class's source says, in code/__torch__/a/b.py:
/// <code>
/// class Name(Module):
///   __parameters__ = ["weight", "bias", ]
///   __buffers__ = ["running_mean", ]
/// </code>
/// Other tensor attributes (OpenAI's attn_mask) are neither and are left out, as libtorch leaves them.
/// </summary>
sealed partial class TorchScriptModules(TorchArchive archive)
{
    readonly Dictionary<string, HashSet<string>> declared = [];

    [GeneratedRegex(@"^class (\w+)\(")]
    private static partial Regex ClassLine();

    [GeneratedRegex(@"^\s+__(parameters|buffers)__ = \[(.*)\]\s*$")]
    private static partial Regex DeclarationLine();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex QuotedName();

    /// <summary>Calls <paramref name="add"/> with the dotted name and tensor reduce of every parameter and buffer below <paramref name="module"/>.</summary>
    public void Collect(PickleObject module, string prefix, int depth, Action<string, PickleReduce> add)
    {
        if (depth > TorchFiles.MaxDepth) throw new InvalidDataException($"{archive.Path}: modules nested deeper than {TorchFiles.MaxDepth} levels at '{prefix}'");
        if (module.State is not PickleDict state)
            throw new InvalidDataException($"{archive.Path}: TorchScript module '{prefix}' ({module.Type}) has no attribute dict");
        var tensors = Declared(module.Type);
        foreach (var (key, value) in state.Items)
        {
            if (key is not string name) throw new InvalidDataException($"{archive.Path}: an attribute of '{prefix}' is named by a {PickleReader.Describe(key)}");
            string full = prefix + name;
            if (value is PickleObject child && child.Type.Module.StartsWith("__torch__", StringComparison.Ordinal)) Collect(child, full + ".", depth + 1, add);
            else if (tensors.Contains(name) && TorchStorages.IsTensor(value)) add(full, (PickleReduce)value!);
        }
    }

    /// <summary>The parameter and buffer names of a class, from its source file in code/.</summary>
    HashSet<string> Declared(PickleGlobal type)
    {
        string qualified = type.ToString();
        if (declared.TryGetValue(qualified, out var names)) return names;
        string file = $"code/{type.Module.Replace('.', '/')}.py";
        if (!archive.Contains(file)) throw new InvalidDataException($"{archive.Path}: TorchScript class {qualified} has no source {archive.Prefix}/{file}");
        names = [];
        bool inClass = false, found = false;
        foreach (string line in System.Text.Encoding.UTF8.GetString(archive.Read(file)).Split('\n'))
        {
            if (ClassLine().Match(line) is { Success: true } c) { inClass = c.Groups[1].Value == type.Name; found |= inClass; continue; }
            if (inClass && DeclarationLine().Match(line) is { Success: true } d)
                foreach (Match q in QuotedName().Matches(d.Groups[2].Value)) names.Add(q.Groups[1].Value);
        }
        if (!found) throw new InvalidDataException($"{archive.Path}: {archive.Prefix}/{file} does not define class {type.Name}");
        declared[qualified] = names;
        return names;
    }
}
