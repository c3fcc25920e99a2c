using Ham.Training.Algorithms;
using Ham.Training.Hyperparameters;
using Ham.Merging;
using YamlDotNet.RepresentationModel;

namespace Ham.Experiments.Studies;

/// <summary>
/// A study (the paper's ablation tables and sensitivity figure): named variants, each an
/// algorithm with fixed hyperparameters and a label, swept like `ham sweep`'s algorithms; and,
/// for a sensitivity study, the hyperparameters whose values are drawn against accuracy. A YAML file:
/// <code>
/// name: table4-trimming
/// description: HAM without trimming, with layer-level and with model-level trimming
/// variants:
///   - label: no trimming
///     algorithm: ham
///     hyperparameters: {trim: 0}
///   - label: model-level
///     algorithm: ham
/// sensitivity: [lambda, trim]     # optional
/// </code>
/// Labels are unique; an unknown key, algorithm or hyperparameter, or a sensitivity
/// hyperparameter no variant sets, is an error naming the line.
/// </summary>
public sealed record Study(string Name, string Description, IReadOnlyList<SweepVariant> Variants, IReadOnlyList<string> Sensitivity)
{
    static readonly string[] Fields = ["name", "description", "variants", "sensitivity"];
    static readonly string[] VariantFields = ["label", "algorithm", "hyperparameters"];

    public static Study Read(string path)
    {
        var root = YamlFile.LoadMapping(path);
        var fields = new Dictionary<string, YamlNode>();
        foreach (var (key, value) in root.Children)
        {
            string name = Scalar(path, key, "key");
            if (!Fields.Contains(name)) throw Error(path, key, $"unknown field '{name}'; the fields are {string.Join(", ", Fields)}");
            fields[name] = value;
        }
        string studyName = fields.TryGetValue("name", out var n) ? Scalar(path, n, "name") : Path.GetFileNameWithoutExtension(path);
        string description = fields.TryGetValue("description", out var d) ? Scalar(path, d, "description") : "";
        if (!fields.TryGetValue("variants", out var variantList) || variantList is not YamlSequenceNode { Children.Count: > 0 } items)
            throw new InvalidDataException($"{path}: 'variants' is required (a list of {{label, algorithm, hyperparameters}})");

        var variants = new List<SweepVariant>();
        foreach (var item in items)
        {
            var variant = ReadVariant(path, item);
            if (variants.Any(v => v.Label == variant.Label)) throw Error(path, item, $"label '{variant.Label}' is used twice");
            variants.Add(variant);
        }
        var sensitivity = new List<string>();
        if (fields.TryGetValue("sensitivity", out var s))
        {
            if (s is not YamlSequenceNode names) throw Error(path, s, "'sensitivity' must be a list of hyperparameter names");
            foreach (var node in names)
            {
                string name = Scalar(path, node, "sensitivity");
                if (!variants.Any(v => v.Hyperparameters.ContainsKey(name))) throw Error(path, node, $"no variant sets '{name}', so there is nothing to draw against it");
                sensitivity.Add(name);
            }
        }
        return new Study(studyName, description, variants, sensitivity);
    }

    static SweepVariant ReadVariant(string path, YamlNode node)
    {
        if (node is not YamlMappingNode mapping) throw Error(path, node, "a variant is {label, algorithm, hyperparameters}");
        var fields = new Dictionary<string, YamlNode>();
        foreach (var (key, value) in mapping.Children)
        {
            string name = Scalar(path, key, "key");
            if (!VariantFields.Contains(name)) throw Error(path, key, $"unknown variant field '{name}'; the fields are {string.Join(", ", VariantFields)}");
            fields[name] = value;
        }
        if (!fields.TryGetValue("label", out var label) || !fields.TryGetValue("algorithm", out var algorithm))
            throw Error(path, node, "a variant needs a label and an algorithm");
        string algorithmName = Scalar(path, algorithm, "algorithm");
        if (!AlgorithmRegistry.Names.Contains(algorithmName))
            throw Error(path, algorithm, $"unknown algorithm '{algorithmName}'; the algorithms are {string.Join(", ", AlgorithmRegistry.Names)}");
        var declared = HyperparameterSpace.For(algorithmName, "clip").Names;
        var hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (fields.TryGetValue("hyperparameters", out var h))
        {
            if (h is not YamlMappingNode values) throw Error(path, h, "'hyperparameters' must be NAME: VALUE pairs");
            foreach (var (key, value) in values.Children)
            {
                string name = Scalar(path, key, "hyperparameter");
                if (!declared.Contains(name))
                    throw Error(path, key, $"'{name}' is not a hyperparameter of {algorithmName} (its hyperparameters: {string.Join(", ", declared)})");
                hyperparameters[name] = Scalar(path, value, name);
            }
            try
            {
                HyperparameterSpace.Resolve(algorithmName, "clip", 0, 0, hyperparameters);   // a value of the wrong type or out of range fails here, not in the sweep's first run
            }
            catch (ArgumentException e)
            {
                throw Error(path, h, e.Message);
            }
        }
        return new SweepVariant(Scalar(path, label, "label"), algorithmName, hyperparameters);
    }

    static string Scalar(string path, YamlNode node, string what) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(path, node, $"{what} must be one value");

    static InvalidDataException Error(string path, YamlNode node, string message) => YamlFile.Error(path, node, message);
}
