namespace Ham.Data.Datasets;

/// <summary>One image of a domain: its file and the index of its class in <see cref="DomainDataset.Classes"/>.</summary>
public readonly record struct LabelledImage(string Path, int Label);

/// <summary>One domain (DomainBed: "environment"): its name and its images in ImageFolder order.</summary>
public sealed record Domain(string Name, string Directory, IReadOnlyList<LabelledImage> Images);

/// <summary>
/// A multi-domain image dataset in DomainBed layout, <c>ROOT/&lt;domain&gt;/&lt;class&gt;/&lt;image&gt;</c>,
/// listed as DomainBed's <c>MultipleEnvironmentImageFolder</c> lists it: domains are the sorted
/// subdirectories of ROOT, each read as a torchvision <c>ImageFolder</c> (see
/// <see cref="ImageFolderListing"/>). DomainBed silently assumes every domain has the same classes;
/// here a domain missing a class, or with a class the others lack, is an error naming both.
/// </summary>
public sealed class DomainDataset
{
    DomainDataset(string root, IReadOnlyList<string> classes, IReadOnlyList<Domain> domains)
    {
        Root = root;
        Classes = classes;
        Domains = domains;
    }

    public string Root { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<Domain> Domains { get; }

    /// <summary>The index of the domain called <paramref name="name"/>; an error listing the domains if there is none.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Domains.Count; i++) if (Domains[i].Name == name) return i;
        throw new ArgumentException($"{Root}: no domain '{name}'; the domains are {string.Join(", ", Domains.Select(d => $"'{d.Name}'"))}");
    }

    /// <summary>
    /// The dataset without the given images (each domain keeps its order; split indices then
    /// refer to the images that remain), e.g. those a <see cref="DatasetScan"/> could not decode.
    /// </summary>
    public DomainDataset Without(IEnumerable<string> paths)
    {
        var dropped = paths.ToHashSet(StringComparer.Ordinal);
        if (dropped.Count == 0) return this;
        return new DomainDataset(Root, Classes, Domains.Select(d => d with { Images = d.Images.Where(i => !dropped.Contains(i.Path)).ToList() }).ToList());
    }

    /// <summary>Lists the dataset under <paramref name="root"/> (no image is opened).</summary>
    public static DomainDataset Open(string root)
    {
        if (!System.IO.Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: dataset folder does not exist");
        var domainNames = ImageFolderListing.SubdirectoryNames(root);
        if (domainNames.Count == 0) throw new InvalidDataException($"{root}: no domain folders; expected ROOT/<domain>/<class>/<image>");

        var classesByDomain = domainNames.ToDictionary(d => d, d => ImageFolderListing.SubdirectoryNames(Path.Combine(root, d)));
        var classes = classesByDomain.Values.SelectMany(c => c).Distinct().ToList();
        classes.Sort(PythonStringOrder.Instance);
        CheckSameClasses(root, classesByDomain, classes);

        var domains = domainNames.Select(name => ListDomain(root, name, classes)).ToList();
        return new DomainDataset(root, classes, domains);
    }

    static void CheckSameClasses(string root, Dictionary<string, List<string>> classesByDomain, List<string> allClasses)
    {
        var problems = new List<string>();
        foreach (var (domain, classes) in classesByDomain)
        {
            if (classes.Count == 0) { problems.Add($"domain '{domain}' has no class folders"); continue; }
            var missing = allClasses.Except(classes).ToList();
            if (missing.Count > 0)
            {
                var having = classesByDomain.Where(kv => kv.Value.Contains(missing[0])).Select(kv => $"'{kv.Key}'");
                problems.Add($"domain '{domain}' lacks class(es) {string.Join(", ", missing.Select(c => $"'{c}'"))} (present in {string.Join(", ", having)})");
            }
        }
        if (problems.Count > 0) throw new InvalidDataException($"{root}: domains must have the same classes: {string.Join("; ", problems)}");
    }

    static Domain ListDomain(string root, string name, List<string> classes)
    {
        string dir = Path.Combine(root, name);
        var images = new List<LabelledImage>();
        for (int label = 0; label < classes.Count; label++)
        {
            var files = ImageFolderListing.ImageFiles(Path.Combine(dir, classes[label]));
            // torchvision's make_dataset raises "Found no valid file for the classes ..." likewise.
            if (files.Count == 0)
                throw new InvalidDataException($"{Path.Combine(dir, classes[label])}: class folder has no image files ({string.Join(", ", ImageFolderListing.ImageExtensions)})");
            images.AddRange(files.Select(f => new LabelledImage(f, label)));
        }
        return new Domain(name, dir, images);
    }
}
