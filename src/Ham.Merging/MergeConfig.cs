using System.Globalization;
using Ham.Merging.Checkpoints;
using Ham.Merging.Parameters;
using YamlDotNet.RepresentationModel;

namespace Ham.Merging;

/// <summary>
/// A merge as `ham merge` takes it, from flags or from a YAML file with the same fields: method,
/// base, models, out, out-shard-size, dtype, allow-missing, and the parameters the method
/// declares (<see cref="MethodDeclaration"/>: trim, density, lambda, ..., and the data-aware
/// methods' data, domains, ...). Paths are relative to the file. As in mergekit, a numeric
/// parameter may be a list of rules, the first whose filter is a substring of the tensor name
/// wins, one without filter is the fallback:
/// <code>
/// density:
///   - filter: attn
///     value: 0.3
///   - value: 0.6
/// </code>
/// and a model may be `{model: PATH, weight: W}` with W a number or such a list. An unknown key,
/// a value of the wrong type, a parameter the method does not have (and, once the model is
/// open, a filter that matches no tensor) is an error naming the line.
/// </summary>
public sealed record MergeConfig(string Method, string? Base, IReadOnlyList<string> Models, MergeOutput Output, MergeOptions Options)
{
    static readonly string[] General = ["method", "base", "models", "out", "out-shard-size", "dtype", "allow-missing"];

    /// <summary>Reads a config for one of the streaming methods.</summary>
    public static MergeConfig ReadYaml(string path) => ReadYaml(path, MergeMethod.Declarations);

    /// <summary>Reads a config whose method is one of <paramref name="methods"/>, each value checked by its declaration.</summary>
    public static MergeConfig ReadYaml(string path, IReadOnlyList<MethodDeclaration> methods)
    {
        var root = YamlFile.LoadMapping(path);
        var fields = new Dictionary<string, (YamlNode Node, int Line)>();
        var keys = General.Concat(methods.SelectMany(m => m.Parameters).Select(p => p.Name)).Distinct().ToList();
        foreach (var (keyNode, value) in root.Children)
        {
            string key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(path, keyNode, "a key must be a name");
            if (!keys.Contains(key)) throw Error(path, keyNode, $"unknown field '{key}'; the fields are {string.Join(", ", keys)}");
            fields[key] = (value, Line(keyNode));
        }
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.Combine(dir, p);
        string? Text(string key) => fields.TryGetValue(key, out var f) ? Scalar(path, f.Node, key) : null;
        string Required(string key) => Text(key) ?? throw new InvalidDataException($"{path}: '{key}' is required (one value)");

        string method = Required("method");
        var declaration = methods.FirstOrDefault(m => m.Name == method)
            ?? throw Error(path, fields["method"].Node, $"unknown merge method '{method}'; the methods are {string.Join(", ", methods.Select(m => m.Name))}");
        var values = new Dictionary<string, ParameterValue>();
        var perTensor = new Dictionary<string, TensorSetting>();
        foreach (var (key, (node, line)) in fields.Where(f => !General.Contains(f.Key)))
        {
            string subject = $"{path}, line {line}: '{key}'";
            var parameter = declaration.Find(key) ?? throw new InvalidDataException(declaration.Undeclared(key, subject, flag: false));
            if (node is YamlScalarNode && !parameter.IsList)
                values[key] = new([parameter.IsPath ? Resolve(Scalar(path, node, key)) : Scalar(path, node, key)], subject);
            else if (parameter.PerTensor)
                perTensor[key] = Setting(path, node, key);
            else if (parameter.IsList)
                values[key] = new(Items(path, node, key).Select(item => Scalar(path, item, key)).ToList(), subject);
            else
                throw Error(path, node, $"'{key}' must be a single value");
        }

        var (models, modelWeights) = ReadModels(path, fields.TryGetValue("models", out var m) ? m.Node : null, Resolve);
        if (modelWeights is not null && declaration.Find("weights") is null)
            throw Error(path, m.Node, $"{method} takes no per-model weight");
        if (modelWeights is not null && fields.TryGetValue("weights", out var both))
            throw new InvalidDataException($"{path}, line {both.Line}: 'weights' and per-model weights are both given; use one");
        var options = new MergeOptions
        {
            Values = values, PerTensor = perTensor, ModelWeights = modelWeights,
            AllowMissing = fields.TryGetValue("allow-missing", out var allow) && Boolean(path, allow.Node, "allow-missing"),
        };
        declaration.Check(options);
        var output = new MergeOutput(Resolve(Required("out")))
        {
            ShardSize = Text("out-shard-size") is { } size ? ByteSize.Parse(size, "out-shard-size") : null,
            DType = Text("dtype") is { } dtype ? MergeOutput.ParseDType(dtype) : null,
        };
        return new MergeConfig(method, Text("base") is { } b ? Resolve(b) : null, models, output, options);
    }

    /// <summary>The models: paths, or {model: PATH, weight: W} (W a number or a list of rules; models without one weigh 1).</summary>
    static (List<string> Models, List<TensorSetting>? Weights) ReadModels(string path, YamlNode? node, Func<string, string> resolve)
    {
        var items = node is null ? [] : Items(path, node, "models");
        if (items.Count == 0) throw new InvalidDataException($"{path}: 'models' is required (a list of files or folders)");
        var models = new List<string>();
        var weights = new List<TensorSetting>();
        bool weighted = false;
        foreach (var item in items)
        {
            if (item is YamlScalarNode)
            {
                models.Add(resolve(Scalar(path, item, "models")));
                weights.Add(TensorSetting.Constant(1, Where(path, item)));
                continue;
            }
            if (item is not YamlMappingNode map) throw Error(path, item, "a model is a path or {model: PATH, weight: W}");
            string? model = null;
            foreach (var (keyNode, value) in map.Children)
            {
                switch ((keyNode as YamlScalarNode)?.Value)
                {
                    case "model": model = Scalar(path, value, "model"); break;
                    case "weight":
                        weights.Add(value is YamlScalarNode ? TensorSetting.Constant(Number(path, value, "weight"), Where(path, value)) : Setting(path, value, "weight"));
                        weighted = true;
                        break;
                    default: throw Error(path, keyNode, $"unknown field '{(keyNode as YamlScalarNode)?.Value}' of a model; the fields are model, weight");
                }
            }
            models.Add(resolve(model ?? throw Error(path, map, "a model needs 'model: PATH'")));
            if (weights.Count < models.Count) weights.Add(TensorSetting.Constant(1, Where(path, map)));
        }
        return (models, weighted ? weights : null);
    }

    /// <summary>A list of rules {filter: SUBSTRING, value: NUMBER}, the fallback without filter.</summary>
    static TensorSetting Setting(string path, YamlNode node, string key)
    {
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
            throw Error(path, node, $"'{key}' must be a number or a list of {{filter, value}} rules");
        var rules = new List<TensorRule>();
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode rule)
                throw Error(path, item, $"a rule of '{key}' is {{filter: SUBSTRING, value: NUMBER}} (gradients over layers are not supported)");
            string? filter = null;
            double? value = null;
            foreach (var (ruleKey, ruleValue) in rule.Children)
            {
                switch ((ruleKey as YamlScalarNode)?.Value)
                {
                    case "filter": filter = Scalar(path, ruleValue, "filter"); break;
                    case "value": value = Number(path, ruleValue, key); break;
                    default: throw Error(path, ruleKey, $"unknown field '{(ruleKey as YamlScalarNode)?.Value}' of a rule of '{key}'; the fields are filter, value");
                }
            }
            rules.Add(new TensorRule(filter, value ?? throw Error(path, rule, $"a rule of '{key}' needs a value"), Where(path, rule)));
        }
        return new TensorSetting(rules);
    }

    static IReadOnlyList<YamlNode> Items(string path, YamlNode node, string key) => node switch
    {
        YamlSequenceNode list => list.Children.ToList(),
        YamlScalarNode { Value: "" or null } => [],
        _ => throw Error(path, node, $"'{key}' must be a list"),
    };

    static string Scalar(string path, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(path, node, $"'{key}' must be a single value");

    static double Number(string path, YamlNode node, string key) =>
        double.TryParse(Scalar(path, node, key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value
            : throw Error(path, node, $"'{key}' must be a number, got '{Scalar(path, node, key)}'");

    static bool Boolean(string path, YamlNode node, string key) => Scalar(path, node, key) switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var other => throw Error(path, node, $"'{key}' must be true or false, got '{other}'"),
    };

    static int Line(YamlNode node) => (int)node.Start.Line;

    static string Where(string path, YamlNode node) => $"{path}, line {Line(node)}";

    static InvalidDataException Error(string path, YamlNode node, string message) => YamlFile.Error(path, node, message);
}
