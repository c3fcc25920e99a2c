using System.Formats.Tar;
using System.IO.Compression;

namespace Ham.Data.Download;

/// <summary>Unpacks .zip, .tar and .tar.gz/.tgz archives (as DomainBed's download_and_extract does); other files are left as they are.</summary>
public static class ArchiveUnpacker
{
    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="directory"/>; returns false if it is not an archive.
    /// The .NET extractors refuse entries that would land outside the directory.</summary>
    public static bool Unpack(string archive, string directory)
    {
        Directory.CreateDirectory(directory);
        string name = archive.ToLowerInvariant();
        if (name.EndsWith(".zip"))
            ZipFile.ExtractToDirectory(archive, directory, overwriteFiles: true);
        else if (name.EndsWith(".tar.gz") || name.EndsWith(".tgz"))
        {
            using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
            TarFile.ExtractToDirectory(gzip, directory, overwriteFiles: true);
        }
        else if (name.EndsWith(".tar"))
            TarFile.ExtractToDirectory(archive, directory, overwriteFiles: true);
        else
            return false;
        return true;
    }
}
