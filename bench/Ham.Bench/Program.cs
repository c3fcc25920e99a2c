namespace Ham.Bench;

/// <summary>
/// Ham's side of the benchmarks in bench/: each prints one machine-readable line that the
/// bench/*/run.sh scripts put next to the PyTorch figure measured in the same run.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine($"usage: ham-bench <{string.Join("|", Benchmarks.Keys)}> ARGS...");
            return 2;
        }
        return run(args[1..]);
    }

    static readonly Dictionary<string, Func<string[], int>> Benchmarks = new()
    {
        ["vit-train"] = VitTrainStep.Run,
        ["clip-encode"] = ClipEncode.Run,
        ["merge-make"] = MergeModels.Make,
        ["merge-run"] = MergeModels.Run,
        ["merge-phases"] = MergeModels.Phases,
        ["memcpy-bandwidth"] = MergeModels.MemcpyBandwidth,
        ["data-loading"] = DataLoading.Run,
        ["ham-step"] = HamTrainingStep.Run,
        ["ham-step-ranks"] = HamStepAcrossRanks.Run,
        ["resnet-train"] = ResNetTrainStep.Run,
    };
}
