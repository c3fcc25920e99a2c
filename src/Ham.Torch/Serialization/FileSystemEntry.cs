using System.Runtime.InteropServices;

namespace Ham.Torch.Serialization;

/// <summary>What a path names, without following a final symbolic link.</summary>
public enum FileSystemEntryKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Device,
    Pipe,
    Socket,
}

/// <summary>
/// The kind and identity (device, inode) of a path, as lstat/stat report them (by Linux's statx,
/// whose struct is the same on every architecture). .NET's FileSystemInfo cannot tell a device or
/// a pipe from a file, nor a directory reached twice through links from two directories; this can.
/// </summary>
public readonly record struct FileSystemEntry(FileSystemEntryKind Kind, ulong Device, ulong Inode)
{
    /// <summary>The entry <paramref name="path"/> names itself (a link is a link).</summary>
    public static FileSystemEntry Of(string path) => Stat(path, follow: false);

    /// <summary>The entry at the end of <paramref name="path"/>'s links (Missing for a dangling link or a loop).</summary>
    public static FileSystemEntry Target(string path) => Stat(path, follow: true);

    /// <summary>A human name of the kind, for errors ("a directory", "a device").</summary>
    public string Description => Kind switch
    {
        FileSystemEntryKind.Missing => "missing",
        FileSystemEntryKind.Regular => "a regular file",
        FileSystemEntryKind.Directory => "a directory",
        FileSystemEntryKind.SymbolicLink => "a symbolic link",
        FileSystemEntryKind.Device => "a device",
        FileSystemEntryKind.Pipe => "a pipe",
        _ => "a socket",
    };

    static FileSystemEntry Stat(string path, bool follow)
    {
        if (!OperatingSystem.IsLinux()) return Portable(path, follow);
        var buffer = new byte[256]; // sizeof(struct statx)
        int flags = follow ? 0 : AtSymlinkNoFollow;
        if (statx(AtFdCwd, path, flags, StatxType | StatxIno, buffer) != 0) return new(FileSystemEntryKind.Missing, 0, 0);
        int mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        var kind = mode switch
        {
            0x8000 => FileSystemEntryKind.Regular,
            0x4000 => FileSystemEntryKind.Directory,
            0xA000 => FileSystemEntryKind.SymbolicLink,
            0x2000 or 0x6000 => FileSystemEntryKind.Device,
            0x1000 => FileSystemEntryKind.Pipe,
            _ => FileSystemEntryKind.Socket,
        };
        ulong device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        return new(kind, device, BitConverter.ToUInt64(buffer, 32));
    }

    /// <summary>What .NET itself can tell, elsewhere: no devices, no identity.</summary>
    static FileSystemEntry Portable(string path, bool follow)
    {
        FileSystemInfo info = new FileInfo(path);
        if (follow && info.LinkTarget != null)
        {
            try { info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info; }
            catch (IOException) { return new(FileSystemEntryKind.Missing, 0, 0); }
        }
        if (!follow && info.LinkTarget != null) return new(FileSystemEntryKind.SymbolicLink, 0, 0);
        if (Directory.Exists(info.FullName)) return new(FileSystemEntryKind.Directory, 0, 0);
        return File.Exists(info.FullName) ? new(FileSystemEntryKind.Regular, 0, 0) : new(FileSystemEntryKind.Missing, 0, 0);
    }

    const int AtFdCwd = -100;
    const int AtSymlinkNoFollow = 0x100;
    const uint StatxType = 0x1;
    const uint StatxIno = 0x100;

    [DllImport("libc", SetLastError = true)]
    static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
