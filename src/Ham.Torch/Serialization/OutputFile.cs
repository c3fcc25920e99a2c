namespace Ham.Torch.Serialization;

/// <summary>
/// The one way Ham writes an output file: into a new temporary file beside the target (a unique
/// name, created exclusively, so no two writers and no link planted at the temporary name can
/// meet), renamed onto the target when complete, so a reader or a kill never sees half a file.
/// Only a regular file is ever replaced: a target that is a directory, a symbolic link, a device
/// or a pipe is refused (renaming over /dev/full would replace the device node; over a link, the link).
/// </summary>
public static class OutputFile
{
    /// <summary>Throws unless <paramref name="path"/> is absent or a regular file.</summary>
    public static void CheckTarget(string path)
    {
        var entry = FileSystemEntry.Of(path);
        if (entry.Kind is FileSystemEntryKind.Missing or FileSystemEntryKind.Regular) return;
        throw new IOException($"{path}: {entry.Description}; an output is written only as a new file or over a regular file");
    }

    /// <summary>Checks the target, creates its folder, and opens a new temporary file beside it.</summary>
    public static FileStream CreateTemporary(string path, out string temporary, int bufferSize = 1 << 16)
    {
        CheckTarget(path);
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } dir) Directory.CreateDirectory(dir);
        temporary = $"{full}.tmp-{Guid.NewGuid():N}";
        return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
    }

    /// <summary>Renames a finished temporary file onto the target (checked again: it may have changed meanwhile).</summary>
    public static void Commit(string temporary, string path)
    {
        try
        {
            CheckTarget(path);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="write"/>'s bytes to <paramref name="path"/> by temporary file and rename.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temporary;
        using (var stream = CreateTemporary(path, out temporary))
        {
            try
            {
                write(stream);
            }
            catch
            {
                stream.Dispose();
                File.Delete(temporary);
                throw;
            }
        }
        Commit(temporary, path);
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>UTF-8 text without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));
}
