using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Ham.Torch;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham doctor`: what Ham runs on, and how fast a matmul is here.</summary>
static class DoctorCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "matmul side length for the GFLOPS figure", DefaultValueFactory = _ => 1024 };
        var command = new Command("doctor", "Show libtorch version, BLAS in use, threads, devices and measured matmul GFLOPS.") { size };
        command.SetAction(parse => Run(parse.GetValue(size)));
        return command;
    }

    static int Run(int n)
    {
        if (n is < 16 or > 8192) throw new ArgumentException($"--size must be from 16 to 8192 (three {n}x{n} fp32 matrices must fit in memory), got {n}");
        double gflops = MeasureMatmulGflops(n);
        var table = new Table().AddColumn("what").AddColumn("value");
        table.AddRow("libtorch", LibTorch.Version);
        table.AddRow("BLAS (build)", Markup.Escape(BuildBlas()));
        table.AddRow("BLAS (loaded)", Markup.Escape(LoadedBlas()));
        table.AddRow("intra-op threads", LibTorch.Threads.ToString());
        table.AddRow("cores", Environment.ProcessorCount.ToString());
        table.AddRow("CUDA", Devices.CudaBuilt ? $"built in; {Devices.Count(DeviceType.CUDA)} GPU(s) visible" : "not built in (CPU-only libtorch)");
        table.AddRow("devices", string.Join(", ", Devices.Visible()));
        table.AddRow($"matmul {n}x{n} fp32", $"{gflops:F1} GFLOPS");
        AnsiConsole.Write(table);
        if (LoadedBlas().Contains("libblas.so") && !LoadedBlas().Contains("openblas"))
            AnsiConsole.MarkupLine("[yellow]warning:[/] reference BLAS is in use; install libopenblas0-pthread (matmuls run ~70x slower without it)");
        return 0;
    }

    /// <summary>2 n^3 flops per product, best of several runs after a warm-up.</summary>
    static double MeasureMatmulGflops(int n)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(0);
        var a = Ham.Torch.Random.Normal([n, n], gen);
        var b = Ham.Torch.Random.Normal([n, n], gen);
        Functional.MatMul(a, b).Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            Functional.MatMul(a, b).Dispose();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    static string BuildBlas()
    {
        var m = Regex.Match(LibTorch.Config, @"BLAS_INFO=(\w+)");
        return m.Success ? m.Groups[1].Value : "unknown";
    }

    /// <summary>The BLAS shared objects mapped into this process (libtorch resolves libblas.so.3 at run time).</summary>
    static string LoadedBlas()
    {
        try
        {
            var libs = File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .Where(p => p.Contains("blas", StringComparison.OrdinalIgnoreCase))
                .Select(p => ResolveLink(p))
                .Distinct();
            var list = string.Join(", ", libs);
            return list.Length > 0 ? list : "none mapped";
        }
        catch (IOException)
        {
            return "unknown (no /proc/self/maps)";
        }
    }

    static string ResolveLink(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget != null ? $"{path} -> {info.ResolveLinkTarget(true)?.FullName}" : path;
    }
}
