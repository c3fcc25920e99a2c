using System.Runtime.InteropServices;
using Ham.Torch.Serialization;

namespace Ham.Training;

/// <summary>Paths compared as the filesystem resolves them: two names of one folder (through links, "..") compare equal.</summary>
static class ResolvedPath
{
    /// <summary>The absolute path with every link resolved (realpath of the part that exists, the rest appended as named).</summary>
    public static string Of(string path)
    {
        string existing = Path.GetFullPath(path);
        var rest = new Stack<string>();
        while (FileSystemEntry.Target(existing).Kind == FileSystemEntryKind.Missing && Path.GetDirectoryName(existing) is { } parent)
        {
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        IntPtr resolved = realpath(existing, IntPtr.Zero);
        if (resolved == IntPtr.Zero) throw new IOException($"{existing}: cannot resolve its links ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        try
        {
            return Path.Combine([Marshal.PtrToStringUTF8(resolved)!, .. rest]);
        }
        finally
        {
            free(resolved);
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    static extern void free(IntPtr pointer);
}
