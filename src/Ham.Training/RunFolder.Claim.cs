using System.Text.RegularExpressions;
using Ham.Torch.Serialization;

namespace Ham.Training;

/// <summary>Who may write a run folder, and what a new, resumed or overwriting run finds there.</summary>
public sealed partial class RunFolder
{
    /// <summary>
    /// Every file name Ham writes in a run folder: the files of the paths in RunFolder.cs and the
    /// lock. With <see cref="FolderName"/> (the sources and <see cref="TrainingCheckpoint"/>'s
    /// folders, with their .tmp and .old while one is swapped in; a multi-process run keeps one per
    /// rank, checkpoint-rankR-of-W) these are the only names ever removed (by --overwrite); a new
    /// file of the trainer gets its path in RunFolder.cs and is added here.
    /// </summary>
    string[] FileNames => [.. new[] { RunJson, SplitJson, Log, Results, Records, Done, Model, LossPlot }.Select(Path.GetFileName), RunLock.FileName];

    [GeneratedRegex(@"^(sources|checkpoint(-rank\d+-of-\d+)?(\.tmp|\.old)?)$")]
    private static partial Regex FolderName();

    /// <summary>A file the trainer writes inside one of the <see cref="FolderName"/>s: a source's model, or a checkpoint's part.</summary>
    [GeneratedRegex(@"^(sources/[^/]+\.safetensors|checkpoint[^/]*/((model|optimizer|average|scaler)\d+\.safetensors|state\.json))$")]
    private static partial Regex InnerFile();

    /// <summary>OutputFile's temporary name beside a target, left by a kill between create and rename.</summary>
    [GeneratedRegex(@"\.tmp-[0-9a-f]{32}$")]
    private static partial Regex Temporary();

    /// <summary>
    /// Makes this process the folder's one writer for a run, before any work: refuses an --out
    /// inside the dataset, a folder that holds a finished run (unless <paramref name="overwrite"/>),
    /// an unfinished run (unless <paramref name="resume"/>, which continues it, or overwrite, which
    /// removes its files), files Ham did not write where a new run would go, a Ham name that is not
    /// a regular file or folder, and a folder another live process is writing (<see cref="RunLock"/>).
    /// The checks run once before the lock and again under it; the old run's files are removed only
    /// then. Resume of an absent or empty folder starts a new run (a sweep's job not started yet).
    /// Returns the lock, held until disposed.
    /// </summary>
    public RunLock Claim(string dataDir, bool resume, bool overwrite)
    {
        RequireClaimable(dataDir, resume, overwrite);
        bool created = FileSystemEntry.Target(dir).Kind == FileSystemEntryKind.Missing;
        Directory.CreateDirectory(dir);
        RunLock? held = null;
        try
        {
            held = RunLock.Acquire(dir);
            var ham = Check(resume, overwrite);   // again, now that no other writer can change the folder
            if (overwrite) Remove(ham);
            return held;
        }
        catch
        {
            held?.Dispose();
            if (created && held is not null && Directory.EnumerateFileSystemEntries(dir).SequenceEqual([Path.Combine(dir, RunLock.FileName)]))
            {
                File.Delete(Path.Combine(dir, RunLock.FileName));   // nothing of a refused run is left behind
                Directory.Delete(dir);
            }
            throw;
        }
    }

    /// <summary>The checks of <see cref="Claim"/> alone, changing nothing: a command makes them before its slow work.</summary>
    public void RequireClaimable(string dataDir, bool resume, bool overwrite)
    {
        if (IsInside(ResolvedPath.Of(dir), ResolvedPath.Of(dataDir)))
            throw new ArgumentException($"--out {dir} is inside --data {dataDir}: the run's files would become part of the dataset; choose a folder outside it");
        Check(resume, overwrite);
    }

    /// <summary>Applies the rules of <see cref="Claim"/> to the folder as it is; returns its Ham entries (top-level names).</summary>
    List<string> Check(bool resume, bool overwrite)
    {
        var target = FileSystemEntry.Target(dir);
        if (target.Kind == FileSystemEntryKind.Missing)
        {
            if (FileSystemEntry.Of(dir).Kind == FileSystemEntryKind.SymbolicLink)
                throw new IOException($"{dir}: a symbolic link to nothing (or a loop of links); --out must be a folder or a new path");
            return [];
        }
        if (target.Kind != FileSystemEntryKind.Directory)
            throw new IOException($"{dir}: {target.Description}; --out is a run folder (a directory)");
        var (ham, foreign) = Survey();
        var run = ham.Where(n => n != RunLock.FileName).ToList();
        if (File.Exists(Results) && !overwrite)
            throw new IOException($"{dir} holds a finished run (results.json); pass --overwrite to replace it, or choose another --out");
        if (run.Count > 0 && !resume && !overwrite)
            throw new IOException($"{dir} holds an unfinished run ({string.Join(", ", run)}); pass --resume to continue it or --overwrite to replace it");
        if (foreign.Count > 0 && (overwrite || run.Count == 0))
            throw new IOException($"{dir} holds files Ham did not write ({string.Join(", ", foreign.Take(5))}{(foreign.Count > 5 ? $", {foreign.Count - 5} more" : "")}); " +
                (run.Count == 0 ? "a run folder must be new or empty" : "--overwrite removes only a run's own files: move them out first"));
        return ham;
    }

    /// <summary>
    /// The folder's entries, split into Ham's (top-level names) and the rest (relative paths, also
    /// inside Ham's folders). A Ham name that is not what Ham writes there (a link, a device, a
    /// folder where a file goes) is an error: outputs are written only over regular files.
    /// </summary>
    (List<string> Ham, List<string> Foreign) Survey()
    {
        List<string> ham = [], foreign = [];
        void Require(string path, FileSystemEntryKind kind)
        {
            var entry = FileSystemEntry.Of(path);
            if (entry.Kind != kind)
                throw new IOException($"{path}: {entry.Description}; Ham writes a {(kind == FileSystemEntryKind.Directory ? "folder" : "regular file")} there");
        }
        foreach (string path in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            string written = Temporary().Replace(name, "");
            if (FolderName().IsMatch(name))
            {
                Require(path, FileSystemEntryKind.Directory);
                ham.Add(name);
                foreach (string inner in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                {
                    string relative = $"{name}/{Temporary().Replace(Path.GetFileName(inner), "")}";
                    if (InnerFile().IsMatch(relative)) Require(inner, FileSystemEntryKind.Regular);
                    else foreign.Add($"{name}/{Path.GetFileName(inner)}");
                }
            }
            else if (FileNames.Contains(written))
            {
                Require(path, FileSystemEntryKind.Regular);
                ham.Add(name);
            }
            else foreign.Add(name);
        }
        return (ham, foreign);
    }

    /// <summary>Removes the old run's entries (checked by <see cref="Survey"/> to hold nothing else), keeping the lock this process holds.</summary>
    void Remove(IEnumerable<string> ham)
    {
        foreach (string name in ham.Where(n => n != RunLock.FileName))
        {
            string path = Path.Combine(dir, name);
            if (FolderName().IsMatch(name)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }

    static bool IsInside(string path, string folder) =>
        path == folder || path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
