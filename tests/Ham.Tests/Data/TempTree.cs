namespace Ham.Tests.Data;

/// <summary>A temporary directory tree for a test, deleted on dispose.</summary>
public sealed class TempTree : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ham-data-").FullName;

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Creates the file (and its folders) with the given bytes, or one placeholder byte.</summary>
    public string File(string relative, byte[]? bytes = null)
    {
        string full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, bytes ?? [0x78]);
        return full;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
