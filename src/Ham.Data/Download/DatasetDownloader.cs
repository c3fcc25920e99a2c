namespace Ham.Data.Download;

/// <summary>
/// Fetches a dataset's archives into the data root, unpacks them, removes them (DomainBed's
/// download_and_extract with remove=True) and arranges the DomainBed folder. A dataset whose
/// folder is already there is left alone; an archive already downloaded is not fetched again; a
/// partial one is resumed.
/// </summary>
public static class DatasetDownloader
{
    /// <param name="log">one line per step (file fetched with its SHA-256, unpacked, renamed)</param>
    /// <param name="progress">per file: (file name, bytes so far, total if known)</param>
    public static string Run(DatasetSource source, string root, HttpClient client, Action<string>? log = null, Action<string, long, long?>? progress = null)
    {
        string target = Path.Combine(root, source.Folder);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !Directory.EnumerateFiles(target, "*.part").Any())
        {
            log?.Invoke($"{target} already exists; nothing to do");
            return target;
        }
        string unpackInto = source.UnpackInsideFolder ? target : root;
        Directory.CreateDirectory(unpackInto);
        foreach (var file in source.Files)
        {
            string archive = Path.Combine(unpackInto, file.FileName);
            string sha = ResumableDownload.Fetch(client, file.Url, archive, file.Sha256, progress: (done, total) => progress?.Invoke(file.FileName, done, total));
            log?.Invoke($"fetched {file.FileName} (sha256 {sha})");
            if (ArchiveUnpacker.Unpack(archive, unpackInto))
            {
                File.Delete(archive);
                log?.Invoke($"unpacked {file.FileName} into {unpackInto}");
            }
        }
        if (source.UnpackedFolder is { } unpacked && unpacked != source.Folder)
        {
            string from = Path.Combine(root, unpacked);
            if (!Directory.Exists(from)) throw new DownloadException($"{from}: expected the archive to unpack to this folder; it did not (the source may have changed)");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(from, target);
            log?.Invoke($"renamed {unpacked} to {source.Folder}");
        }
        source.Organize?.Invoke(target);
        return target;
    }
}
