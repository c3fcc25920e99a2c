using System.Globalization;
using Ham.Merging.Checkpoints;

namespace Ham.Merging;

/// <summary>
/// A merge as `ham merge` takes it, from flags or from a YAML file with the same fields
/// (method, base, models, out, out-shard-size, dtype, trim, density, lambda, drop, alpha, beta,
/// trim-scope, seed, weights, allow-missing). The YAML reader takes what such a file needs: `key: value` lines,
/// lists as `- item` lines or `[a, b]`, `#` comments; paths are relative to the file.
/// </summary>
public sealed record MergeConfig(string Method, string? Base, IReadOnlyList<string> Models, MergeOutput Output, MergeOptions Options)
{
    static readonly HashSet<string> Keys =
        ["method", "base", "models", "out", "trim", "density", "lambda", "drop", "alpha", "beta", "trim-scope", "seed", "weights", "allow-missing", "out-shard-size", "dtype"];

    public static MergeConfig ReadYaml(string path)
    {
        var fields = ParseYaml(File.ReadAllLines(path), path);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.Combine(dir, p);
        string Required(string key) => fields.TryGetValue(key, out var v) && v.Count == 1 ? v[0]
            : throw new InvalidDataException($"{path}: '{key}' is required (one value)");
        double? Number(string key) => fields.TryGetValue(key, out var v) ? ParseNumber(v.Single(), key, path) : null;

        var options = new MergeOptions
        {
            Trim = Number("trim"), Density = Number("density"), Lambda = Number("lambda"), Drop = Number("drop"),
            Alpha = Number("alpha"), Beta = Number("beta"),
            TrimScope = fields.TryGetValue("trim-scope", out var scope) ? ParseTrimScope(scope.Single()) : TrimScope.Model,
            Seed = (long)(Number("seed") ?? 0),
            Weights = fields.TryGetValue("weights", out var w) ? w.Select(x => ParseNumber(x, "weights", path)).ToList() : null,
            AllowMissing = fields.TryGetValue("allow-missing", out var allow) && allow.Single() is "true" or "yes",
        };
        var models = fields.TryGetValue("models", out var m) && m.Count > 0 ? m.Select(Resolve).ToList()
            : throw new InvalidDataException($"{path}: 'models' is required (a list of files)");
        var output = new MergeOutput(Resolve(Required("out")))
        {
            ShardSize = fields.TryGetValue("out-shard-size", out var size) ? ByteSize.Parse(size.Single(), "out-shard-size") : null,
            DType = fields.TryGetValue("dtype", out var dtype) ? MergeOutput.ParseDType(dtype.Single()) : null,
        };
        return new MergeConfig(Required("method"), fields.ContainsKey("base") ? Resolve(Required("base")) : null, models, output, options);
    }

    public static TrimScope ParseTrimScope(string text) => text switch
    {
        "model" => TrimScope.Model,
        "tensor" => TrimScope.Tensor,
        _ => throw new ArgumentException($"--trim-scope must be 'model' or 'tensor', got '{text}'"),
    };

    static double ParseNumber(string text, string key, string path) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value
            : throw new InvalidDataException($"{path}: '{key}' must be a number, got '{text}'");

    static Dictionary<string, List<string>> ParseYaml(string[] lines, string path)
    {
        var fields = new Dictionary<string, List<string>>();
        string? listKey = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = StripComment(lines[i]).TrimEnd();
            if (line.Trim().Length == 0) continue;
            string trimmed = line.Trim();
            if (trimmed.StartsWith("- ") && listKey != null)
            {
                fields[listKey].Add(Unquote(trimmed[2..].Trim()));
                continue;
            }
            int colon = line.IndexOf(':');
            if (colon <= 0 || char.IsWhiteSpace(line[0]))
                throw new InvalidDataException($"{path}, line {i + 1}: expected 'key: value' or '- item', got \"{lines[i]}\"");
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (!Keys.Contains(key)) throw new InvalidDataException($"{path}, line {i + 1}: unknown field '{key}'; the fields are {string.Join(", ", Keys)}");
            if (fields.ContainsKey(key)) throw new InvalidDataException($"{path}, line {i + 1}: '{key}' given twice");
            fields[key] = value.StartsWith('[') && value.EndsWith(']')
                ? value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToList()
                : value.Length > 0 ? [Unquote(value)] : [];
            listKey = value.Length == 0 ? key : null;
        }
        return fields;
    }

    static string StripComment(string line)
    {
        int hash = line.IndexOf(" #", StringComparison.Ordinal);
        return line.TrimStart().StartsWith('#') ? "" : hash >= 0 ? line[..hash] : line;
    }

    static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '"' && text[^1] == '"' || text[0] == '\'' && text[^1] == '\'') ? text[1..^1] : text;
}
