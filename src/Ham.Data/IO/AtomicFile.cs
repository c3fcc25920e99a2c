namespace Ham.Data.IO;

/// <summary>
/// Writes a file so that readers never see it half-written: the bytes go to a temporary file beside
/// the target, which is then renamed onto it (a rename within one directory is atomic on POSIX).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to "PATH.tmp-RANDOM" and renames it onto <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir != null) Directory.CreateDirectory(dir);
        // A unique suffix lets several threads write different files, or the same file, without clashing.
        string temp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                stream.Write(bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) by <see cref="WriteAllBytes"/>.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));
}
