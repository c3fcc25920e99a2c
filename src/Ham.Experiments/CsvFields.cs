using System.Text;

namespace Ham.Experiments;

/// <summary>
/// One CSV line's fields (RFC 4180 quoting: a field with a comma or a quote is quoted, quotes
/// doubled), for every CSV Ham writes (reports, studies, t-SNE features and embeddings, merge
/// statistics), whose labels and paths may hold commas. A field may not hold a line break: each
/// record is one line.
/// </summary>
public static class CsvFields
{
    public static string Join(IEnumerable<string> fields) => string.Join(",", fields.Select(Quote));

    /// <summary>One field, quoted where it must be.</summary>
    public static string Quote(string field)
    {
        if (field.Contains('\n') || field.Contains('\r')) throw new ArgumentException($"a CSV field may not contain a line break: '{field}'");
        return field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }

    /// <summary>The fields of <paramref name="line"/>; <paramref name="where"/> (file:line) names it in errors.</summary>
    public static List<string> Split(string line, string where)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= line.Length) throw new InvalidDataException($"{where}: a quoted field is not closed");
                    if (line[i] != '"') field.Append(line[i]);
                    else if (i + 1 < line.Length && line[i + 1] == '"') field.Append(line[++i]);
                    else break;
                }
                i++;
                if (i < line.Length && line[i] != ',') throw new InvalidDataException($"{where}: expected a comma after a quoted field, found '{line[i]}'");
            }
            else
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++;   // the comma
        }
    }
}
