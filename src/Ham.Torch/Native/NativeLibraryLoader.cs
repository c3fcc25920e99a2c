using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ham.Torch.Native;

/// <summary>
/// Finds libham_native.so for every assembly that uses Ham.Torch, so tests, the CLI and benchmarks
/// load the same build: $HAM_NATIVE if set, else next to the assembly, else the repository's
/// build/native folder above it. On first load it sets libtorch's intra-op thread count to the
/// number of cores (or $HAM_THREADS): libtorch may otherwise start with one thread.
/// </summary>
static class NativeLibraryLoader
{
    internal const string LibraryName = "ham_native";
    const string FileName = "libham_native.so";

    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);

    /// <summary>
    /// The runtime asks the resolver again for every P/Invoke it binds (each extern's first call),
    /// so the load and the thread setting happen once here; otherwise each new binding reset the
    /// thread count a user had set (LibTorch.Threads) and rebuilt libtorch's thread pool, whose
    /// new workers spin.
    /// </summary>
    static readonly Lazy<IntPtr> Library = new(Load);

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibraryName ? Library.Value : IntPtr.Zero;

    static IntPtr Load()
    {
        string path = Locate();
        PreferSleepingOpenMpThreads();
        IntPtr handle = NativeLibrary.Load(path);
        ConfigureThreads(handle);
        return handle;
    }

    /// <summary>
    /// libtorch's OpenMP threads spin between parallel regions by default; next to Ham's own
    /// threads (data loaders, parallel decoding) on few cores that spinning took half the CPU time
    /// and made tiny-CLIP training 2.2x slower. OMP_WAIT_POLICY=PASSIVE lets them sleep instead.
    /// It must be in the native environment before libgomp loads (Environment.SetEnvironmentVariable
    /// only changes .NET's copy), and a value the user set wins.
    /// </summary>
    static void PreferSleepingOpenMpThreads()
    {
        if (OperatingSystem.IsLinux()) SetEnv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    static string Locate()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("HAM_NATIVE");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!File.Exists(fromEnv))
                throw new DllNotFoundException($"HAM_NATIVE points to '{fromEnv}', which does not exist.");
            return fromEnv;
        }
        string here = AppContext.BaseDirectory;
        string beside = Path.Combine(here, FileName);
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(here); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "build", "native", FileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new DllNotFoundException(
            $"{FileName} was not found next to {here} nor in a build/native folder above it. " +
            "Run scripts/setup.sh to build it, or set HAM_NATIVE to its path.");
    }

    static unsafe void ConfigureThreads(IntPtr library)
    {
        int threads = Environment.ProcessorCount;
        // libtorch gains nothing from threads beyond the cores; thousands of them only thrash.
        int most = 4 * Environment.ProcessorCount;
        string? fromEnv = Environment.GetEnvironmentVariable("HAM_THREADS");
        if (!string.IsNullOrEmpty(fromEnv) && (!int.TryParse(fromEnv, out threads) || threads < 1 || threads > most))
            throw new ArgumentException($"HAM_THREADS must be an integer from 1 to {most} (4 x the {Environment.ProcessorCount} cores), got '{fromEnv}'.");
        var setThreads = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "ham_set_num_threads");
        setThreads(threads);
    }
}
