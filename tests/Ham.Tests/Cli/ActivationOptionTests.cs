using System.Text.Json.Nodes;
using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Torch.Serialization;

namespace Ham.Tests.Cli;

/// <summary>`--activation`, the note printed when an activation is assumed, and the settings `ham clip convert` records.</summary>
[Collection(nameof(ConsoleCapture))]
public class ActivationOptionTests
{
    static string Fixture(params string[] parts) => SharedData.Path(["fixtures", "clip", "vit-tiny", .. parts]);

    [Fact]
    public void ConvertRecordsTheConfigsSettingsAndAFileThatSaysNothingGetsTheNoteOnce()
    {
        using var tree = new Data.TempTree();
        File.Copy(Fixture("hf", "model.safetensors"), tree.Path("model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Fixture("hf", "config.json")))!;
        config["vision_config"]!["hidden_act"] = "gelu";
        File.WriteAllText(tree.Path("config.json"), config.ToJsonString());

        string output = tree.Path("converted.safetensors");
        var (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", tree.Root, "--out", output);
        Assert.True(code == 0, printed);
        Assert.DoesNotContain("note:", printed);
        using (var file = SafetensorsFile.Open(output))
        {
            Assert.Equal("gelu", file.Metadata["ham.vision.activation"]);
            Assert.Equal("quick_gelu", file.Metadata["ham.text.activation"]);
            Assert.Equal("64", file.Metadata["ham.vision.head_width"]);
        }
        var back = ClipCheckpoint.Read(output);
        Assert.Equal((ClipSettingsSource.HamMetadata, Activation.Gelu), (back.Source, back.Config.Vision.Activation));
        foreach (var t in back.State.Values) t.Dispose();

        (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", Fixture("openai.safetensors"), "--out", tree.Path("assumed.safetensors"));
        Assert.Equal(0, code);
        Assert.Single(printed.Split('\n'), l => l.StartsWith("note: ") && l.Contains("assuming quick_gelu"));

        (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", Fixture("openai.safetensors"), "--out", tree.Path("given.safetensors"), "--activation", "gelu");
        Assert.Equal(0, code);
        Assert.DoesNotContain("note:", printed);
        using (var file = SafetensorsFile.Open(tree.Path("given.safetensors"))) Assert.Equal("gelu", file.Metadata["ham.text.activation"]);
    }

    /// <summary>
    /// `ham tsne --activation gelu` computes the features the GELU-recorded file gives; without it the
    /// file that says nothing gets QuickGELU, the note, and other features.
    /// </summary>
    [Fact]
    public void TsneFeaturesTakeTheActivation()
    {
        using var tree = new Data.TempTree();
        string[] Features(string name, params string[] more)
        {
            var (code, printed) = ConsoleCapture.Run(["tsne", "--data", SharedData.Path("data", "PACS-mini"), "--domains", "sketch", "--samples", "4",
                "--perplexity", "2", "--iterations", "260", "--out", tree.Path(name), .. more]);
            Assert.True(code == 0, printed);
            Assert.Equal(!more.Contains("--activation") && more[1] == Fixture("openai.safetensors"), printed.Contains("note: ") && printed.Contains("assuming quick_gelu"));
            // every row without its model column (the checkpoint's path)
            return File.ReadLines(tree.Path($"{name}/features.csv")).Skip(1).Select(l => l[(l.IndexOf(',') + 1)..]).ToArray();
        }
        Assert.Equal(0, ConsoleCapture.Run("clip", "convert", "--model", Fixture("openai.safetensors"), "--out", tree.Path("gelu.safetensors"), "--activation", "gelu").ExitCode);
        var given = Features("given", "--model", Fixture("openai.safetensors"), "--activation", "gelu");
        var recorded = Features("recorded", "--model", tree.Path("gelu.safetensors"));
        var assumed = Features("assumed", "--model", Fixture("openai.safetensors"));
        Assert.Equal(4, given.Length);
        Assert.Equal(recorded, given);
        Assert.NotEqual(assumed, given);
    }

    [Fact]
    public void AnUnknownActivationAndOneThatContradictsTheConfigAreRefused()
    {
        var (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", Fixture("openai.safetensors"), "--out", "never.safetensors", "--activation", "relu");
        Assert.Equal(1, code);
        Assert.Equal("error: --activation is 'relu'; Ham supports gelu and quick_gelu", printed.Trim());
        (code, printed) = ConsoleCapture.Run("clip", "convert", "--model", Fixture("hf"), "--out", "never.safetensors", "--activation", "gelu");
        Assert.Equal(1, code);
        Assert.Contains("activation gelu was asked for, but", printed);
        Assert.False(File.Exists("never.safetensors"));
    }

    /// <summary>
    /// `--activation` reaches the model in train, eval and embed as the file's own metadata would:
    /// embed with --activation gelu gives the features of the same weights converted with GELU
    /// recorded, and another function than the QuickGELU assumed (with its note) without it; a
    /// trained run records the option in run.json and GELU in its model's metadata.
    /// </summary>
    [Fact]
    public void TrainEvalAndEmbedTakeTheActivationAndTrainRecordsIt()
    {
        using var tree = new Data.TempTree();
        string image = SharedData.Path("fixtures", "clip", "images", "sketch_5921.png");
        float[] Features(string name, params string[] more)
        {
            var (code, printed) = ConsoleCapture.Run(["embed", "--images", image, "--classes", "cat", "dog", "--out", tree.Path(name), .. more]);
            Assert.True(code == 0, printed);
            Assert.Equal(!more.Contains("--activation") && more[1] == Fixture("openai.safetensors"), printed.Contains("note: ") && printed.Contains("assuming quick_gelu"));
            var tensors = SafetensorsFile.Load(tree.Path(name));
            var features = tensors["image_features"].ToArray<float>();
            foreach (var t in tensors.Values) t.Dispose();
            return features;
        }
        Assert.Equal(0, ConsoleCapture.Run("clip", "convert", "--model", Fixture("openai.safetensors"), "--out", tree.Path("gelu.safetensors"), "--activation", "gelu").ExitCode);
        var given = Features("given.safetensors", "--model", Fixture("openai.safetensors"), "--activation", "gelu");
        var recorded = Features("recorded.safetensors", "--model", tree.Path("gelu.safetensors"));
        var assumed = Features("assumed.safetensors", "--model", Fixture("openai.safetensors"));
        Assert.Equal(recorded, given);
        Assert.NotEqual(assumed, given);

        var (evalCode, evalPrinted) = ConsoleCapture.Run("eval", "--model", Fixture("openai.safetensors"), "--data", SharedData.Path("data", "PACS-mini"), "--domains", "sketch", "--activation", "gelu");
        Assert.True(evalCode == 0, evalPrinted);
        Assert.DoesNotContain("note:", evalPrinted);

        var jpg = File.ReadAllBytes(SharedData.Path("data", "PACS-mini", "photo", "dog", "056_0001.jpg"));
        foreach (string domain in new[] { "photo", "cartoon", "sketch" })
            foreach (string c in new[] { "cat", "dog" })
                for (int i = 0; i < 3; i++) tree.File($"data/{domain}/{c}/{i}.jpg", jpg);
        var (code, printed) = ConsoleCapture.Run("train", "--data", tree.Path("data"), "--model", Fixture("openai.safetensors"), "--test-domain", "sketch", "--out", tree.Path("run"),
            "--steps", "1", "--batch", "2", "--activation", "gelu");
        Assert.True(code == 0, printed);
        var run = JsonNode.Parse(File.ReadAllText(tree.Path("run/run.json")))!;
        Assert.Equal("gelu", run["options"]!["Activation"]!.GetValue<string>());
        Assert.Contains("gelu, 64-wide heads", run["model"]!.GetValue<string>());
        using var trained = SafetensorsFile.Open(tree.Path("run/model.safetensors"));
        Assert.Equal(("gelu", "gelu"), (trained.Metadata["ham.vision.activation"], trained.Metadata["ham.text.activation"]));
    }
}
