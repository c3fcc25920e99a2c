using Ham.Clip.Checkpoints;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Torch;

public class PyTorchFileTests
{
    /// <summary>
    /// The same tiny CLIP saved three ways reads back as one state dict: names, shapes, dtypes,
    /// values. OpenAI's TorchScript archives also carry three integer attributes
    /// (input_resolution, context_length, vocab_size) that build_model deletes, and so do we.
    /// </summary>
    [Fact]
    public void SafetensorsTorchScriptAndTorchSaveGiveIdenticalStateDicts()
    {
        using var scope = new DisposeScope();
        string dir = SharedData.Path("fixtures", "clip", "vit-tiny");
        var safetensors = SafetensorsFile.Load(Path.Combine(dir, "openai.safetensors"));
        var rawScript = TorchFiles.ReadTorchScript(Path.Combine(dir, "openai-jit.pt"));
        Assert.Equal(["context_length", "input_resolution", "vocab_size"], rawScript.Keys.Except(safetensors.Keys).Order());
        var script = ClipCheckpoint.ReadStateDict(Path.Combine(dir, "openai-jit.pt"));
        var saved = ClipCheckpoint.ReadStateDict(Path.Combine(dir, "openai-state.pt"));
        Assert.True(safetensors.Count > 20);
        foreach (var other in new[] { script, saved })
        {
            Assert.Equal(safetensors.Keys.Order(), other.Keys.Order());
            foreach (var (name, expected) in safetensors)
            {
                var actual = other[name];
                Assert.True(expected.DType == actual.DType, $"{name}: {expected.DType} vs {actual.DType}");
                Assert.Equal(expected.Shape, actual.Shape);
                Assert.True(expected.Contiguous().Bytes.SequenceEqual(actual.Contiguous().Bytes), $"{name}: values differ");
            }
        }
    }

    [Fact]
    public void MissingAndNonPyTorchFilesAreErrorsNamingThePath()
    {
        string missing = Path.Combine(Path.GetTempPath(), "ham-no-such-file.pt");
        Assert.Contains(missing, Assert.ThrowsAny<Exception>(() => TorchFiles.ReadStateDict(missing)).Message);
        Assert.Contains(missing, Assert.ThrowsAny<Exception>(() => TorchFiles.ReadTorchScript(missing)).Message);
        string text = Path.GetTempFileName();
        try
        {
            File.WriteAllText(text, "not a zip archive");
            var error = Assert.ThrowsAny<Exception>(() => TorchFiles.ReadStateDict(text));
            Assert.Contains(text, error.Message);
        }
        finally { File.Delete(text); }
    }
}
