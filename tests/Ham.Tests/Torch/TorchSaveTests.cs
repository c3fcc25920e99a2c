using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Torch;

/// <summary>
/// torch.save files read by the managed reader (Data/make_torch_save_cases.py made them with
/// PyTorch 1.13): an OrderedDict state dict with views, offsets, shared and tied storages.
/// </summary>
public class TorchSaveTests
{
    static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Torch", "Data", name);

    [Fact]
    public void OrderedDictWithViewsReadsAsTheSavedTensors()
    {
        using var scope = new DisposeScope();
        var expected = SafetensorsFile.Load(Data("torch_save_cases.safetensors"));
        var read = TorchFiles.ReadStateDict(Data("torch_save_cases.pth"));
        Assert.Equal(expected.Keys.Order(), read.Keys.Order());
        foreach (var (name, want) in expected)
        {
            var got = read[name];
            Assert.True(want.DType == got.DType, $"{name}: {want.DType} vs {got.DType}");
            Assert.Equal(want.Shape, got.Shape);
            Assert.True(want.Bytes.SequenceEqual(got.Contiguous().Bytes), $"{name}: values differ");
        }
        // One tensor under two names: two handles, so disposing one leaves the other readable.
        read["tied_a"].Dispose();
        Assert.Equal(expected["tied_b"].ToArray<float>(), read["tied_b"].ToArray<float>());
    }

    [Fact]
    public void LegacyFormatIsRefusedNamingTheFile()
    {
        string legacy = Data("torch_save_legacy.pth");
        var error = Assert.Throws<InvalidDataException>(() => TorchFiles.ReadStateDict(legacy));
        Assert.Contains(legacy, error.Message);
        Assert.Contains("before PyTorch 1.6", error.Message);
    }
}
