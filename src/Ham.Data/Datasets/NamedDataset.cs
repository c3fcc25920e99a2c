namespace Ham.Data.Datasets;

/// <summary>
/// The five DomainBed image benchmarks: the folder each lives in under the data root (DomainBed's
/// datasets.py) and its domain folders in sorted order, which is DomainBed's environment order
/// (the folder names are those DomainBed's scripts/download.py creates; datasets.py's ENVIRONMENTS
/// are short labels for them, e.g. PACS "A", "C", "P", "S").
/// </summary>
public sealed record NamedDataset(string Name, string Folder, IReadOnlyList<string> Domains, int ClassCount)
{
    public static NamedDataset Pacs { get; } = new("PACS", "PACS", ["art_painting", "cartoon", "photo", "sketch"], 7);
    public static NamedDataset Vlcs { get; } = new("VLCS", "VLCS", ["Caltech101", "LabelMe", "SUN09", "VOC2007"], 5);
    public static NamedDataset OfficeHome { get; } = new("OfficeHome", "office_home", ["Art", "Clipart", "Product", "Real World"], 65);
    public static NamedDataset TerraIncognita { get; } = new("TerraIncognita", "terra_incognita", ["location_100", "location_38", "location_43", "location_46"], 10);
    public static NamedDataset DomainNet { get; } = new("DomainNet", "domain_net", ["clipart", "infograph", "painting", "quickdraw", "real", "sketch"], 345);

    public static IReadOnlyList<NamedDataset> All { get; } = [Pacs, Vlcs, OfficeHome, TerraIncognita, DomainNet];

    /// <summary>The dataset called <paramref name="name"/> (case-insensitive), or an error listing the names.</summary>
    public static NamedDataset Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown dataset '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}");

    /// <summary>The dataset whose folder name is the last component of <paramref name="dir"/>, if any.</summary>
    public static NamedDataset? ForFolder(string dir) =>
        All.FirstOrDefault(d => d.Folder == Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))));

    /// <summary>Opens DATA_ROOT/Folder and checks it has exactly this dataset's domains and class count.</summary>
    public DomainDataset Open(string dataRoot) => Check(DomainDataset.Open(Path.Combine(dataRoot, Folder)));

    /// <summary>An error naming the missing and unexpected domains, or a wrong class count; else the dataset itself.</summary>
    public DomainDataset Check(DomainDataset dataset)
    {
        var found = dataset.Domains.Select(d => d.Name).ToList();
        var missing = Domains.Except(found).ToList();
        var extra = found.Except(Domains).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new InvalidDataException($"{dataset.Root}: {Name} should have domains {Quote(Domains)}" +
                (missing.Count > 0 ? $"; missing {Quote(missing)}" : "") + (extra.Count > 0 ? $"; unexpected {Quote(extra)}" : ""));
        if (dataset.Classes.Count != ClassCount)
            throw new InvalidDataException($"{dataset.Root}: {Name} should have {ClassCount} classes, found {dataset.Classes.Count}");
        return dataset;
    }

    static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
