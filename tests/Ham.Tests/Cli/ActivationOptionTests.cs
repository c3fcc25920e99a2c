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
}
