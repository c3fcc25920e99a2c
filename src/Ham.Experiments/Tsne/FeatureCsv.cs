using System.Globalization;
using System.Text;
using Ham.Torch.Serialization;

namespace Ham.Experiments.Tsne;

/// <summary>
/// The features file `ham tsne` writes (features.csv) and reads back with --features: a header
/// `model,domain,class,path,f0,...,f{D-1}`, then one line per image and model with the feature
/// vector in float32 round-trip notation. Rows of one model form one <see cref="FeatureSet"/>, in
/// the order the models first appear.
/// </summary>
public static class FeatureCsv
{
    static readonly string[] Labels = ["model", "domain", "class", "path"];

    public static void Write(string path, IReadOnlyList<FeatureSet> sets)
    {
        int dimension = sets.Count == 0 ? 0 : sets[0].Dimension;
        if (sets.Any(s => s.Dimension != dimension)) throw new ArgumentException("features: every model's features must have the same width to share one file");
        var text = new StringBuilder();
        text.Append(CsvFields.Join(Labels.Concat(Enumerable.Range(0, dimension).Select(d => $"f{d}")))).Append('\n');
        foreach (var set in sets)
            for (int i = 0; i < set.Points.Count; i++)
            {
                var point = set.Points[i];
                text.Append(CsvFields.Join([set.Model, point.Domain, point.Class, point.Path]));
                for (int d = 0; d < dimension; d++) text.Append(',').Append(set.Values[i * dimension + d].ToString("R", CultureInfo.InvariantCulture));
                text.Append('\n');
            }
        OutputFile.WriteAllText(path, text.ToString());
    }

    public static IReadOnlyList<FeatureSet> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--features: {path} does not exist");
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() is { } first ? CsvFields.Split(first, $"{path}:1") : null;
        if (header is null || header.Count <= Labels.Length || !header.Take(Labels.Length).SequenceEqual(Labels))
            throw new InvalidDataException($"{path}:1: expected the header {string.Join(",", Labels)},f0,f1,... (as `ham tsne` writes features.csv)");
        int dimension = header.Count - Labels.Length;
        var models = new List<string>();
        var points = new Dictionary<string, List<LabelledPoint>>();
        var values = new Dictionary<string, List<float>>();
        int number = 1;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            number++;
            if (line.Length == 0) continue;
            var fields = CsvFields.Split(line, $"{path}:{number}");
            if (fields.Count != header.Count) throw new InvalidDataException($"{path}:{number}: expected {header.Count} fields as in the header, got {fields.Count}");
            string model = fields[0];
            if (!points.ContainsKey(model))
            {
                models.Add(model);
                points[model] = [];
                values[model] = [];
            }
            points[model].Add(new LabelledPoint(fields[1], fields[2], fields[3]));
            for (int d = 0; d < dimension; d++)
            {
                string field = fields[Labels.Length + d];
                if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new InvalidDataException($"{path}:{number}: {header[Labels.Length + d]} is '{field}', expected a finite number");
                values[model].Add(v);
            }
        }
        if (models.Count == 0) throw new InvalidDataException($"{path}: no feature rows after the header");
        return models.Select(m => new FeatureSet(m, points[m], values[m].ToArray(), dimension)).ToList();
    }
}
