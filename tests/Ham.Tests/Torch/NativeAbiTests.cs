using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Ham.Tests.Torch;

/// <summary>
/// The native library's exports and Ham.Torch's P/Invokes name the same entry points (DESIGN.md,
/// "Habits worth copying"): an export no DllImport uses is dead code in the C ABI, and a DllImport
/// the library does not export fails only when first called (EntryPointNotFoundException).
/// </summary>
public class NativeAbiTests
{
    [Fact]
    public void TheLibraryExportsExactlyTheEntryPointsTheDllImportsName()
    {
        _ = Ham.Torch.LibTorch.Version;   // loads the library the resolver finds, so its path is in /proc/self/maps
        string library = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].EndsWith("/libham_native.so", StringComparison.Ordinal)).Select(f => f[5]).First();

        var nm = Process.Start(new ProcessStartInfo("nm", ["-D", "--defined-only", library]) { RedirectStandardOutput = true })!;
        var exports = nm.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).Where(f => f.Length == 3 && f[1] == "T" && f[2].StartsWith("ham_", StringComparison.Ordinal))
            .Select(f => f[2]).ToHashSet(StringComparer.Ordinal);
        nm.WaitForExit();
        Assert.Equal(0, nm.ExitCode);

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        var imports = typeof(Ham.Torch.Tensor).Assembly.GetTypes().SelectMany(t => t.GetMethods(all))
            .Select(m => (Method: m, Import: m.GetCustomAttribute<DllImportAttribute>()))
            .Where(p => p.Import?.Value == "ham_native")
            .Select(p => p.Import!.EntryPoint ?? p.Method.Name).ToHashSet(StringComparer.Ordinal);

        Assert.True(exports.Count > 50, $"{library}: only {exports.Count} ham_ exports found");
        Assert.True(exports.SetEquals(imports),
            $"exported by {library} but never imported: [{string.Join(", ", exports.Except(imports).Order())}]; " +
            $"imported but not exported: [{string.Join(", ", imports.Except(exports).Order())}]");
    }
}
