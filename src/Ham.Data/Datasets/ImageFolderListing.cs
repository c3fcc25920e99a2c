using Ham.Torch.Serialization;

namespace Ham.Data.Datasets;

/// <summary>
/// Lists a folder the way torchvision's <c>ImageFolder</c> does (torchvision/datasets/folder.py):
/// classes are the sorted names of the subdirectories (<c>find_classes</c>); a class's images are
/// every file under its directory, recursively and following links, whose lower-cased name ends in
/// one of <see cref="ImageExtensions"/>, in the order of <c>sorted(os.walk(dir))</c> and then sorted
/// file names (<c>make_dataset</c>). DomainBed indexes its splits into this order.
/// </summary>
public static class ImageFolderListing
{
    /// <summary>torchvision's IMG_EXTENSIONS.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"];

    /// <summary>Sorted names of the immediate subdirectories (hidden ones included, as <c>os.scandir</c> lists them).</summary>
    public static List<string> SubdirectoryNames(string dir)
    {
        var names = new DirectoryInfo(dir).EnumerateDirectories().Select(d => d.Name).ToList();
        names.Sort(PythonStringOrder.Instance);
        return names;
    }

    public static bool IsImageFile(string path)
    {
        string lower = path.ToLowerInvariant();
        return ImageExtensions.Any(ext => lower.EndsWith(ext, StringComparison.Ordinal));
    }

    /// <summary>
    /// Image files under <paramref name="classDir"/>: directories ordered by their full path (as
    /// sorting os.walk's (root, dirs, files) tuples orders them), files by name within each.
    /// </summary>
    public static List<string> ImageFiles(string classDir)
    {
        var dirs = new List<string>();
        // A link to any folder above the class (its domain, the dataset) is a loop too.
        var above = new List<FileSystemEntry>();
        for (string? d = Path.GetDirectoryName(Path.GetFullPath(classDir)); d != null; d = Path.GetDirectoryName(d)) above.Add(FileSystemEntry.Target(d));
        CollectDirectories(classDir, dirs, above);
        dirs.Sort(PythonStringOrder.Instance);
        var files = new List<string>();
        foreach (string dir in dirs)
        {
            var names = new DirectoryInfo(dir).EnumerateFiles().Select(f => f.Name).ToList();
            names.Sort(PythonStringOrder.Instance);
            files.AddRange(names.Select(n => Path.Combine(dir, n)).Where(IsImageFile));
        }
        return files;
    }

    /// <summary>
    /// Depth-first over subdirectories, following links as os.walk(followlinks=True) does; a link
    /// back to a folder on its own path (a loop, which os.walk would follow until the path is too
    /// long) is an error naming it. Folders are told apart by device and inode, not by path.
    /// </summary>
    static void CollectDirectories(string dir, List<string> into, List<FileSystemEntry> ancestors)
    {
        var self = FileSystemEntry.Target(dir);
        if (self.Inode != 0 && ancestors.Contains(self))
            throw new InvalidDataException($"{dir}: a symbolic link to a folder that contains it (a loop); remove or replace the link");
        into.Add(dir);
        ancestors.Add(self);
        foreach (var sub in new DirectoryInfo(dir).EnumerateDirectories()) CollectDirectories(Path.Combine(dir, sub.Name), into, ancestors);
        ancestors.RemoveAt(ancestors.Count - 1);
    }
}
