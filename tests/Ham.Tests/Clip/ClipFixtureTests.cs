using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Clip;

/// <summary>
/// The CLIP towers against the reference PyTorch outputs in ../shared/fixtures/clip (fp32 compute
/// from the fp16 weights), for every checkpoint format: features within 1e-4 of the reference
/// relative to its norm.
/// </summary>
public class ClipFixtureTests
{
    public static TheoryData<string, string> Formats => new()
    {
        { "vit-tiny", "openai.safetensors" },
        { "vit-tiny", "openai-jit.pt" },
        { "vit-tiny", "openai-state.pt" },
        { "vit-tiny", "hf" },
        { "rn-tiny", "openai.safetensors" },
        { "rn-tiny", "openai-state.pt" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void FeaturesAndLogitsMatchTheReference(string model, string file)
    {
        using var scope = new DisposeScope();
        using var clip = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", model, file));
        var expected = SafetensorsFile.Load(SharedData.Path("fixtures", "clip", model, "expected.safetensors"));
        using var noGrad = LibTorch.NoGrad();
        var image = clip.EncodeImage(expected["pixel_values"]);
        var text = clip.EncodeText(expected["input_ids"]);
        AssertRowsClose(expected["image_features"], image);
        AssertRowsClose(expected["text_features"], text);
        AssertRowsClose(expected["logits_per_image"], clip.LogitsPerImage(image, text));
    }

    [Fact]
    public void ArchitectureIsInferredFromTheWeights()
    {
        using var vit = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"));
        Assert.Equal(new ClipConfig(32, 32, vit.Config.VisionLayers, 128, 8, 77, 49408, 64, 2), vit.Config);
        Assert.Equal([2], vit.Config.VisionLayers);
        Assert.Equal(2, vit.Config.VisionHeads);
        using var rn = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", "rn-tiny", "openai.safetensors"));
        Assert.Equal([1, 1, 1, 1], rn.Config.VisionLayers);
        Assert.Equal(64, rn.Config.ImageResolution);
        Assert.Equal(4, rn.Config.VisionHeads);
        Assert.False(rn.Config.IsVisionTransformer);
    }

    [Fact]
    public void HuggingFaceRoundTripIsExact()
    {
        using var scope = new DisposeScope();
        string dir = Path.Combine(Path.GetTempPath(), "ham-hf-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var original = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", "vit-tiny", "hf"));
            ClipCheckpoint.SaveHuggingFace(original, dir);
            using var reloaded = ClipCheckpoint.Load(dir);
            var a = original.StateDict();
            var b = reloaded.StateDict();
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var key in a.Keys) Assert.True(a[key].Eq(b[key]).All().Item() == 1, key);
            // and the saved weights are byte-identical to the fixture's
            using var fixture = SafetensorsFile.Open(SharedData.Path("fixtures", "clip", "vit-tiny", "hf", "model.safetensors"));
            using var saved = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors"));
            foreach (var e in fixture.Entries) Assert.True(fixture.Bytes(e).SequenceEqual(saved.Bytes(e.Name)), e.Name);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void UnknownKeysAreNamedInTheError()
    {
        using var scope = new DisposeScope();
        string file = Path.Combine(Path.GetTempPath(), $"ham-bad-{Guid.NewGuid():N}.safetensors");
        try
        {
            var state = ClipCheckpoint.ReadStateDict(SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"));
            state.Remove("ln_final.bias");
            state["visual.extra_weight"] = Tensor.Zeros([2]);
            SafetensorsWriter.Save(file, state);
            var e = Assert.Throws<InvalidDataException>(() => ClipCheckpoint.Load(file));
            Assert.Contains("ln_final.bias", e.Message);
            Assert.Contains("visual.extra_weight", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>max |a - e| per row at most 1e-4 of that row's norm.</summary>
    static void AssertRowsClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.To(DType.Float64);
        var a = actual.To(DType.Float64);
        var error = (a - e).Abs().Max(-1).Values;
        var norm = e.Norm(2, [-1]);
        var ratio = (error / norm).ToArray<double>();
        Assert.All(ratio, r => Assert.True(r <= 1e-4, $"relative error {r:E2} above 1e-4"));
    }
}
