using System.Diagnostics;
using Ham.Clip.Model;
using Ham.Merging;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Bench;

/// <summary>
/// The merging benchmark's Ham side.
/// merge-make DIR N: writes base.safetensors and m0..m{N-1}.safetensors, ViT-B/16 vision
///   encoders (86M fp32 parameters) with random deltas.
/// merge-run METHOD DIR N: merges them with Ham's streaming merge -> "seconds peak_rss_mb".
/// merge-phases METHOD DIR N: the same merge timed by phase: whole-model passes (Prepare), the
///   per-tensor merges, and writing the output, then the process's CPU time (all threads), which
///   contention from other processes disturbs less than wall time -> "prepare_s merge_s write_s cpu CPU_s".
/// memcpy-bandwidth: copies 1 GiB a few times -> "GB/s".
/// </summary>
static class MergeModels
{
    public static int Make(string[] args)
    {
        string dir = args[0];
        int n = int.Parse(args[1]);
        Directory.CreateDirectory(dir);
        using var generator = new Generator(0);
        using var scope = new DisposeScope();
        using var encoder = new VisionTransformer(224, 16, 768, 12, 12, 512, generator);
        var state = encoder.StateDict();
        SafetensorsWriter.Save(Path.Combine(dir, "base.safetensors"), state);
        for (int i = 0; i < n; i++)
        {
            using var model = new DisposeScope();
            SafetensorsWriter.Save(Path.Combine(dir, $"m{i}.safetensors"),
                state.ToDictionary(p => p.Key, p => p.Value + Ham.Torch.Random.Normal(p.Value.Shape, generator) * 1e-3));
        }
        return 0;
    }

    public static int Run(string[] args)
    {
        string method = args[0], dir = args[1];
        int n = int.Parse(args[2]);
        LibTorch.Threads = Environment.ProcessorCount;
        var models = Enumerable.Range(0, n).Select(i => Path.Combine(dir, $"m{i}.safetensors")).ToList();
        var clock = Stopwatch.StartNew();
        ModelMerger.Merge(MergeMethod.Create(method, new MergeOptions()), Path.Combine(dir, "base.safetensors"), models, Path.Combine(dir, "out-ham.safetensors"));
        Console.WriteLine($"{clock.Elapsed.TotalSeconds:F3} {PeakResidentMegabytes():F0}");
        return 0;
    }

    public static int Phases(string[] args)
    {
        string method = args[0], dir = args[1];
        int n = int.Parse(args[2]);
        LibTorch.Threads = Environment.ProcessorCount;
        var merge = MergeMethod.Create(method, new MergeOptions());
        using var baseModel = StateSource.Open(Path.Combine(dir, "base.safetensors"));
        var models = Enumerable.Range(0, n).Select(i => StateSource.Open(Path.Combine(dir, $"m{i}.safetensors"))).ToList();
        var inputs = new MergeInputs(baseModel, models);
        var layout = inputs.Names.Select(name => { var (d, s) = inputs.Reference.Describe(name); return (name, d, s); }).ToList();
        using var writer = new SafetensorsWriter(Path.Combine(dir, "out-ham.safetensors"), layout);
        var prepare = Stopwatch.StartNew();
        merge.Prepare(inputs);
        prepare.Stop();
        var compute = new Stopwatch();
        var write = new Stopwatch();
        foreach (string name in inputs.Names)
        {
            using var scope = new DisposeScope();
            compute.Start();
            var tensor = merge.Merge(inputs, name);
            compute.Stop();
            write.Start();
            writer.Write(name, tensor);
            write.Stop();
        }
        write.Start();
        writer.Complete();
        write.Stop();
        foreach (var model in models) model.Dispose();
        Console.WriteLine($"{prepare.Elapsed.TotalSeconds:F3} {compute.Elapsed.TotalSeconds:F3} {write.Elapsed.TotalSeconds:F3} cpu {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F3}");
        return 0;
    }

    public static unsafe int MemcpyBandwidth(string[] args)
    {
        const long size = 1L << 30;
        var source = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)size);
        var target = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)size);
        new Span<byte>(source, int.MaxValue / 2).Fill(1);
        Buffer.MemoryCopy(source, target, size, size);
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            Buffer.MemoryCopy(source, target, size, size);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        System.Runtime.InteropServices.NativeMemory.Free(source);
        System.Runtime.InteropServices.NativeMemory.Free(target);
        Console.WriteLine($"{size / best / 1e9:F2}");
        return 0;
    }

    static double PeakResidentMegabytes() =>
        double.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
}
