namespace Ham.Clip.ZeroShot;

/// <summary>
/// Prompt templates for zero-shot heads, each with one "{}" for the class name: CLIP's single
/// "a photo of a {}." (what CLIPood and HAM use for training), the 80-template ImageNet ensemble
/// from CLIP's notebooks (Prompt_Engineering_for_ImageNet.ipynb), or a file with one per line.
/// </summary>
public static class PromptTemplates
{
    public static IReadOnlyList<string> Single { get; } = ["a photo of a {}."];

    public static IReadOnlyList<string> ImageNet => LazyImageNet.Value;
    static readonly Lazy<IReadOnlyList<string>> LazyImageNet = new(() =>
    {
        using var stream = typeof(PromptTemplates).Assembly.GetManifestResourceStream("imagenet_templates.txt")
            ?? throw new InvalidOperationException("Ham.Clip was built without its embedded imagenet_templates.txt.");
        using var reader = new StreamReader(stream);
        return Validate(reader.ReadToEnd().Split('\n'), "imagenet_templates.txt");
    });

    /// <summary>"single", "imagenet", or the path of a template file.</summary>
    public static IReadOnlyList<string> Parse(string nameOrPath) => nameOrPath switch
    {
        "single" => Single,
        "imagenet" => ImageNet,
        _ when File.Exists(nameOrPath) => Validate(File.ReadAllLines(nameOrPath), nameOrPath),
        _ => throw new ArgumentException($"--templates: expected 'single', 'imagenet' or a template file, and '{nameOrPath}' is none of them."),
    };

    /// <summary>Blank lines are skipped; every other line must hold exactly one "{}".</summary>
    static IReadOnlyList<string> Validate(IEnumerable<string> lines, string source)
    {
        var templates = new List<string>();
        int lineNumber = 0;
        foreach (string raw in lines)
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            int first = line.IndexOf("{}", StringComparison.Ordinal);
            if (first < 0 || line.IndexOf("{}", first + 2, StringComparison.Ordinal) >= 0)
                throw new InvalidDataException($"{source}, line {lineNumber}: a template needs exactly one '{{}}' for the class name, got \"{line}\".");
            templates.Add(line);
        }
        if (templates.Count == 0) throw new InvalidDataException($"{source}: no templates.");
        return templates;
    }

    public static string Fill(string template, string className) => template.Replace("{}", className);
}
