using System.Diagnostics;
using System.Security.Cryptography;

namespace Ham.Tests.Vision;

/// <summary>
/// The torchvision references of Data/make_resnet_reference.py (weights ~150 MB, so made at test
/// time, not committed): generated once into a cache folder under the build output named by the
/// script's hash, so an edited script regenerates and an unchanged one is reused.
/// </summary>
static class ResNetReference
{
    static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Vision", "Data", "make_resnet_reference.py");
    static readonly Lazy<string> directory = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A file of the reference folder (ARCH.pth, ARCH.expected.safetensors), generated when missing.</summary>
    public static string File(string name) => Path.Combine(directory.Value, name);

    static string Generate()
    {
        string hash = Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(Script)))[..12].ToLowerInvariant();
        string target = Path.Combine(AppContext.BaseDirectory, "resnet-reference", hash);
        if (Directory.Exists(target)) return target;
        string temp = $"{target}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        var start = new ProcessStartInfo("/usr/bin/python3", [Script, temp]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"/usr/bin/python3 is needed to make the ResNet reference ({e.Message}); scripts/test.sh installs python3-torchvision", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"{Script} failed (needs Debian's python3-torch and python3-torchvision; scripts/test.sh installs them):\n{stderr.Result}");
        }
        if (Directory.Exists(target)) Directory.Delete(temp, recursive: true); // another test run finished first
        else Directory.Move(temp, target);
        return target;
    }
}
