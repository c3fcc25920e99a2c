using System.Globalization;
using System.Text;
using Ham.Torch.Serialization;

namespace Ham.Experiments.Tsne;

/// <summary>`ham tsne`'s embedding.csv: a header `model,domain,class,path,x,y`, then one line per point and model.</summary>
public static class EmbeddingCsv
{
    public static void Write(string path, IReadOnlyList<(FeatureSet Features, TsneResult Embedding)> rows)
    {
        var text = new StringBuilder("model,domain,class,path,x,y\n");
        foreach (var (features, embedding) in rows)
            for (int i = 0; i < features.Points.Count; i++)
            {
                var point = features.Points[i];
                var (x, y) = embedding.Points[i];
                text.Append(CsvFields.Join([features.Model, point.Domain, point.Class, point.Path,
                    x.ToString("R", CultureInfo.InvariantCulture), y.ToString("R", CultureInfo.InvariantCulture)])).Append('\n');
            }
        OutputFile.WriteAllText(path, text.ToString());
    }
}
