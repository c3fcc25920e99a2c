using System.Runtime.InteropServices;
using Ham.Torch.Serialization;

namespace Ham.Training;

/// <summary>
/// The one writer of a run folder: an exclusive lock on <c>.lock</c> in it, held from the claim of
/// the folder until the trainer is disposed. The lock is the kernel's (an open-file-description
/// write lock, fcntl F_OFD_SETLK), not the file's existence: the kernel drops it when the holding
/// process ends however it ends (kill -9 included), so the lock of a process that is gone is
/// taken over at once, without guessing from /proc whether a recorded pid is still the same
/// process, and two takers cannot both win. The file holds "pid host" of the holder only so the
/// refusal can say who holds it; it stays in the folder (deleting it would let a waiting opener
/// lock an unlinked file).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";

    readonly FileStream file;

    RunLock(FileStream file) => this.file = file;

    /// <summary>Takes the lock of <paramref name="runDir"/> (an existing folder), or throws an IOException naming the holder.</summary>
    public static RunLock Acquire(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        var entry = FileSystemEntry.Of(path);
        if (entry.Kind is not (FileSystemEntryKind.Missing or FileSystemEntryKind.Regular))
            throw new IOException($"{path}: {entry.Description}; a run folder's lock is a regular file");
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            if (!TryLock(file))
            {
                string holder = new StreamReader(file).ReadToEnd().Trim();
                throw new IOException($"{path}: the run is being written by another process ({(holder.Length > 0 ? $"pid {holder.Replace(" ", " on ")}" : "starting")}); " +
                    "wait for it to end or stop it");
            }
            file.SetLength(0);
            var text = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId} {Environment.MachineName}\n");
            file.Write(text);
            file.Flush();
            return new RunLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>F_OFD_SETLK of a write lock on the whole file: false when another open file description holds it.</summary>
    static bool TryLock(FileStream file)
    {
        var range = new FileLockRange { Type = WriteLock, Whence = 0, Start = 0, Length = 0 };   // length 0: to the end, however long
        if (fcntl((int)file.SafeFileHandle.DangerousGetHandle(), OpenFileDescriptionSetLock, ref range) == 0) return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno is EAgain or EAccess) return false;
        throw new IOException($"{file.Name}: cannot lock it ({Marshal.GetPInvokeErrorMessage(errno)}); is the run folder on a filesystem without locks?");
    }

    /// <summary>Closing the file releases the lock.</summary>
    public void Dispose() => file.Dispose();

    /// <summary>struct flock of Linux (x86-64 and arm64 alike): l_type, l_whence, l_start, l_len, l_pid.</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct FileLockRange
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;   // must be 0 for open-file-description locks
    }

    const short WriteLock = 1;                 // F_WRLCK
    const int OpenFileDescriptionSetLock = 37; // F_OFD_SETLK
    const int EAgain = 11, EAccess = 13;

    [DllImport("libc", SetLastError = true)]
    static extern int fcntl(int fd, int command, ref FileLockRange range);
}
