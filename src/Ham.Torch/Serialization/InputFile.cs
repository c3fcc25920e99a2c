namespace Ham.Torch.Serialization;

/// <summary>
/// Checks that a path to be read names a regular file at the end of its symbolic links (the
/// Hugging Face cache keeps snapshots/REV/model.safetensors as a link to ../../blobs/HASH), and
/// says why not: missing, a dangling link, a loop of links, a directory, a device or a pipe.
/// </summary>
public static class InputFile
{
    /// <param name="what">what the file is to the caller ("checkpoint", "image"), for the message</param>
    public static void Require(string path, string what = "file")
    {
        var target = FileSystemEntry.Target(path);
        if (target.Kind == FileSystemEntryKind.Regular) return;
        if (target.Kind != FileSystemEntryKind.Missing) throw new IOException($"{path}: {target.Description}, where a regular file ({what}) was expected");
        if (FileSystemEntry.Of(path).Kind != FileSystemEntryKind.SymbolicLink) throw new FileNotFoundException($"{what} not found: {path}", path);
        throw new FileNotFoundException(LinkProblem(path), path);
    }

    /// <summary>Why a link leads nowhere: a loop (a link met twice on the way), or the missing path it ends at.</summary>
    public static string LinkProblem(string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string current = Path.GetFullPath(path);
        while (new FileInfo(current).LinkTarget is { } next)
        {
            if (!seen.Add(current)) return $"{path}: a loop of symbolic links ({string.Join(" -> ", seen)} -> {current})";
            current = Path.GetFullPath(next, Path.GetDirectoryName(current)!);
        }
        return $"{path}: a symbolic link to {current}, which does not exist";
    }
}
