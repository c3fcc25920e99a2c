using Ham.Torch;

namespace Ham.Tests.Cli;

/// <summary>Every command that computes with a model takes --device, and a device that is not there fails before any work, naming it.</summary>
[Collection(nameof(ConsoleCapture))]
public class DeviceOptionTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-device").FullName;
    static readonly string Clip = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");
    static readonly string Data = SharedData.Path("data", "PACS-mini");
    static string Image => Directory.GetFiles(SharedData.Path("fixtures", "clip", "images")).Order().First();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Commands => ["train", "sweep", "eval", "zeroshot", "embed", "clip embed", "pretrain", "tsne"];

    string[] Arguments(string command) => command switch
    {
        "train" => ["train", "--data", Data, "--test-domain", "sketch", "--model", Clip, "--out", Path.Combine(dir, "out")],
        "sweep" => ["sweep", "--data", Data, "--model", Clip, "--out", Path.Combine(dir, "out")],
        "eval" => ["eval", "--data", Data, "--model", Clip],
        "zeroshot" => ["zeroshot", "--data", Data, "--model", Clip],
        "embed" => ["embed", "--model", Clip, "--images", Image, "--out", Path.Combine(dir, "out")],
        "clip embed" => ["clip", "embed", "--model", Clip, "--images", Image, "--out", Path.Combine(dir, "out")],
        "pretrain" => ["pretrain", "--data", Data, "--out", Path.Combine(dir, "out")],
        "tsne" => ["tsne", "--data", Data, "--model", Clip, "--out", Path.Combine(dir, "out")],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void AMissingDeviceIsOneLineNamingIt(string command)
    {
        if (Devices.Count(DeviceType.CUDA) > 7) return;
        var (code, output) = ConsoleCapture.Run([.. Arguments(command), "--device", "cuda:7"]);
        Assert.Equal(1, code);
        Assert.Contains($"device cuda:7 is not available: {Devices.Describe()}", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }
}
