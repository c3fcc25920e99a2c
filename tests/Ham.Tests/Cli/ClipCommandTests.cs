using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Cli;

/// <summary>`ham clip tokenize` and `ham clip embed`, run in-process through the CLI's entry point.</summary>
[Collection(nameof(ConsoleCapture))]
public class ClipCommandTests
{
    [Fact]
    public void TokenizePrintsOneJsonArrayOf77IdsPerText()
    {
        var (code, output) = ConsoleCapture.Run("clip", "tokenize", "a photo of a dog.", "house");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var first = System.Text.Json.JsonSerializer.Deserialize<int[]>(lines[0])!;
        Assert.Equal(77, first.Length);
        Assert.Equal([49406, 320, 1125, 539, 320, 1929, 269, 49407, 0], first[..9]);
    }

    [Fact]
    public void EmbedWritesTheFixtureTensors()
    {
        string fixture = SharedData.Path("fixtures", "clip", "rn-tiny");
        string output = Path.Combine(Path.GetTempPath(), $"ham-embed-{Guid.NewGuid():N}.safetensors");
        string[] images = ["art_painting_pic_001.jpg", "sketch_5921.png"];
        try
        {
            var (code, _) = ConsoleCapture.Run(["clip", "embed", "--model", Path.Combine(fixture, "openai.safetensors"),
                "--images", .. images.Select(i => SharedData.Path("fixtures", "clip", "images", i)),
                "--texts", "a photo of a dog.", "--out", output]);
            Assert.Equal(0, code);
            using var scope = new DisposeScope();
            var actual = SafetensorsFile.Load(output);
            var expected = SafetensorsFile.Load(Path.Combine(fixture, "expected.safetensors"));
            Assert.Equal(["image_features", "input_ids", "logits_per_image", "pixel_values", "text_features"], actual.Keys.Order());
            // The fixture's rows: images 0 and 3, prompt 0.
            var imageRows = Tensor.FromArray(new long[] { 0, 3 }, 2);
            AssertClose(expected["pixel_values"].IndexSelect(0, imageRows), actual["pixel_values"], 1e-5);
            AssertClose(expected["image_features"].IndexSelect(0, imageRows), actual["image_features"], 1e-4);
            AssertClose(expected["text_features"].Narrow(0, 0, 1), actual["text_features"], 1e-4);
            Assert.Equal(expected["input_ids"].Narrow(0, 0, 1).ToArray<long>(), actual["input_ids"].ToArray<long>());
        }
        finally { File.Delete(output); }
    }

    [Fact]
    public void EmbedWithNothingToEmbedIsAnError()
    {
        var (code, output) = ConsoleCapture.Run("clip", "embed", "--model", "x.safetensors", "--out", "y.safetensors");
        Assert.Equal(1, code);
        Assert.Equal("error: nothing to embed: give --images, --texts or both", output.Trim());
    }

    /// <summary>
    /// OpenAI's TorchScript archive and the Hugging Face folder convert to the fixture's own
    /// OpenAI-named safetensors: the same names and values (the TorchScript file holds fp16 as
    /// that file does, the Hugging Face folder the same values in fp32).
    /// </summary>
    [Theory]
    [InlineData("openai-jit.pt")]
    [InlineData("hf")]
    public void ConvertWritesTheSameStateDictAsTheOpenAiSafetensors(string source)
    {
        string fixture = SharedData.Path("fixtures", "clip", "vit-tiny");
        string output = Path.Combine(Path.GetTempPath(), $"ham-convert-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", Path.Combine(fixture, source), "--out", output);
            Assert.True(code == 0, printed);
            using var scope = new DisposeScope();
            var converted = SafetensorsFile.Load(output);
            var expected = SafetensorsFile.Load(Path.Combine(fixture, "openai.safetensors"));
            Assert.Equal(expected.Keys.Order(), converted.Keys.Order());
            foreach (var (name, tensor) in expected)
            {
                Assert.Equal(source == "hf" ? DType.Float32 : DType.Float16, converted[name].DType);
                Assert.True(tensor.To(DType.Float32).Bytes.SequenceEqual(converted[name].To(DType.Float32).Bytes), name);
            }

            (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", Path.Combine(fixture, source), "--out", output, "--dtype", "fp32");
            Assert.True(code == 0, printed);
            var upcast = SafetensorsFile.Load(output);
            Assert.Equal(DType.Float32, upcast["visual.proj"].DType);
            Assert.Equal(expected["visual.proj"].To(DType.Float32).ToArray<float>(), upcast["visual.proj"].ToArray<float>());
        }
        finally { File.Delete(output); }
    }

    [Fact]
    public void ConvertRefusesWhatIsNotAClip()
    {
        string notClip = SharedData.Path("fixtures", "clip", "vit-tiny", "expected.safetensors");
        var (code, output) = ConsoleCapture.Run("clip", "convert", "--model", notClip, "--out", Path.Combine(Path.GetTempPath(), "never.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("not a CLIP checkpoint", output);
        Assert.Contains("expected.safetensors", output);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "never.safetensors")));
    }

    static void AssertClose(Tensor expected, Tensor actual, double relative)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double scale = expected.To(DType.Float32).Abs().Max().Item();
        double difference = (expected.To(DType.Float32) - actual).Abs().Max().Item();
        Assert.True(difference <= relative * scale, $"difference {difference} > {relative} x {scale}");
    }
}
