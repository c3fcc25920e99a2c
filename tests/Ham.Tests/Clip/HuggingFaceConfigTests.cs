using System.Text.Json.Nodes;
using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Clip;

/// <summary>
/// A Hugging Face folder's config.json is honoured (activation, head width, layer-norm epsilon)
/// and checked against the weights; Ham's own files record the same settings; links are followed.
/// </summary>
public class HuggingFaceConfigTests
{
    static string Fixture(params string[] parts) => SharedData.Path(["fixtures", "clip", "vit-tiny", .. parts]);

    /// <summary>A copy of the Hugging Face fixture whose config.json <paramref name="edit"/> rewrote.</summary>
    static Data.TempTree HfCopy(Action<JsonNode> edit)
    {
        var tree = new Data.TempTree();
        File.Copy(Fixture("hf", "model.safetensors"), tree.Path("model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Fixture("hf", "config.json")))!;
        edit(config);
        File.WriteAllText(tree.Path("config.json"), config.ToJsonString());
        return tree;
    }

    static void Towers(JsonNode config, string field, Func<JsonNode, JsonNode?> value)
    {
        foreach (string tower in new[] { "text_config", "vision_config" }) config[tower]![field] = value(config[tower]!);
    }

    /// <summary>
    /// GELU, 32-wide heads, and both with layer-norm epsilon 1e-3, against the plain-torch CLIPModel
    /// forward of Data/make_hf_variant_cases.py (which first reproduces the fixture's own outputs).
    /// </summary>
    [Theory]
    [InlineData("gelu", "gelu", 0, 0)]
    [InlineData("heads32", "quick_gelu", 32, 0)]
    [InlineData("gelu_heads32_eps", "gelu", 32, 1e-3)]
    public void ConfigSettingsGiveTheReferenceFeatures(string variant, string activation, int headWidth, double eps)
    {
        using var tree = HfCopy(config =>
        {
            Towers(config, "hidden_act", _ => activation);
            if (headWidth > 0) Towers(config, "num_attention_heads", t => t["hidden_size"]!.GetValue<int>() / headWidth);
            if (eps > 0) Towers(config, "layer_norm_eps", _ => eps);
        });
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var reference = SafetensorsFile.Load(Path.Combine(AppContext.BaseDirectory, "Clip", "Data", "hf_variants.safetensors"));
        var inputs = SafetensorsFile.Load(Fixture("expected.safetensors"));
        var contents = ClipCheckpoint.Read(tree.Root);
        Assert.Equal(ClipSettingsSource.HuggingFaceConfig, contents.Source);
        Assert.Equal(activation == "gelu" ? Activation.Gelu : Activation.QuickGelu, contents.Config.Vision.Activation);
        using var clip = ClipCheckpoint.Load(contents, tree.Root);
        if (headWidth > 0) Assert.Equal((4, 2), (clip.Config.VisionHeads, clip.Config.TextHeads));
        AssertClose(reference[$"{variant}.image_features"], clip.EncodeImage(inputs["pixel_values"]), variant);
        AssertClose(reference[$"{variant}.text_features"], clip.EncodeText(inputs["input_ids"]), variant);
        // And the fixture's own config still gives the fixture's own outputs.
        using var original = ClipCheckpoint.Load(Fixture("hf"));
        AssertClose(inputs["image_features"], original.EncodeImage(inputs["pixel_values"]), "original");
    }

    static void AssertClose(Tensor expected, Tensor actual, string why)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double scale = expected.Abs().Max().Item(), difference = (expected - actual).Abs().Max().Item();
        Assert.True(difference <= 1e-4 * scale, $"{why}: difference {difference} > 1e-4 x {scale}");
    }

    [Fact]
    public void ALayerNormEpsilonOfOneIsHonouredNotIgnored()
    {
        using var tree = HfCopy(config => Towers(config, "layer_norm_eps", _ => 1.0));
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var pixels = SafetensorsFile.Load(Fixture("expected.safetensors"))["pixel_values"];
        using var changed = ClipCheckpoint.Load(tree.Root);
        using var original = ClipCheckpoint.Load(Fixture("hf"));
        Assert.Equal(1.0, changed.Config.Text.LayerNormEps);
        Assert.True((changed.EncodeImage(pixels) - original.EncodeImage(pixels)).Abs().Max().Item() > 1e-3);
    }

    public static TheoryData<string, string> Contradictions => new()
    {
        { """{"model_type": "bert"}""", "model_type is 'bert', not 'clip'" },
        { """{"text_config": {"hidden_size": 512}}""", "text_config.hidden_size is 512 but the weights have 64" },
        { """{"vision_config": {"num_hidden_layers": 12}}""", "vision_config.num_hidden_layers is 12 but the weights have 2" },
        { """{"vision_config": {"patch_size": 16}}""", "vision_config.patch_size is 16 but the weights have 8" },
        { """{"vision_config": {"image_size": 224}}""", "vision_config.image_size is 224 but the weights have 32" },
        { """{"projection_dim": 512}""", "projection_dim is 512 but the weights have 32" },
        { """{"text_config": {"intermediate_size": 128}}""", "text_config.intermediate_size is 128 but the weights have 256" },
        { """{"text_config": {"hidden_act": "gelu_new"}}""", "text_config.hidden_act is 'gelu_new'; Ham supports gelu and quick_gelu" },
        { """{"vision_config": {"num_attention_heads": 3}}""", "vision_config.num_attention_heads is 3, which does not divide hidden_size 128" },
        { """{"vision_config": {"layer_norm_eps": 0}}""", "vision_config.layer_norm_eps is 0; it must be a positive number" },
        { """{"text_config": {"layer_norm_eps": "small"}}""", "layer_norm_eps is \"small\", not a number" },
    };

    [Theory]
    [MemberData(nameof(Contradictions))]
    public void AConfigThatContradictsTheWeightsIsRefusedNamingTheField(string change, string message)
    {
        var patch = JsonNode.Parse(change)!.AsObject();
        using var tree = HfCopy(config =>
        {
            foreach (var (key, value) in patch)
            {
                if (value is JsonObject inner)
                    foreach (var (field, v) in inner) config[key]![field] = v?.DeepClone();
                else config[key] = value?.DeepClone();
            }
        });
        var e = Assert.Throws<InvalidDataException>(() => ClipCheckpoint.Read(tree.Root));
        Assert.Contains(tree.Path("config.json"), e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ABrokenConfigJsonIsNamed()
    {
        using var tree = HfCopy(_ => { });
        File.WriteAllText(tree.Path("config.json"), "{\"model_type\": ");
        var e = Assert.Throws<InvalidDataException>(() => ClipCheckpoint.Read(tree.Root));
        Assert.StartsWith($"{tree.Path("config.json")}: not valid JSON", e.Message);
    }

    /// <summary>models--X/snapshots/REV/{config.json, model.safetensors} -> ../../blobs/HASH, as huggingface_hub lays out its cache.</summary>
    [Fact]
    public void TheHuggingFaceCacheLayoutLoads()
    {
        using var tree = new Data.TempTree();
        tree.File("models--tiny/blobs/1111", File.ReadAllBytes(Fixture("hf", "model.safetensors")));
        tree.File("models--tiny/blobs/2222", File.ReadAllBytes(Fixture("hf", "config.json")));
        string snapshot = tree.Path("models--tiny/snapshots/abc123");
        Directory.CreateDirectory(snapshot);
        File.CreateSymbolicLink(Path.Combine(snapshot, "model.safetensors"), "../../blobs/1111");
        File.CreateSymbolicLink(Path.Combine(snapshot, "config.json"), "../../blobs/2222");
        using var scope = new DisposeScope();
        var cached = ClipCheckpoint.Read(snapshot);
        var plain = ClipCheckpoint.Read(Fixture("hf"));
        Assert.Equal(ClipSettingsSource.HuggingFaceConfig, cached.Source);
        Assert.Equal(plain.Config with { VisionLayers = cached.Config.VisionLayers }, cached.Config);
        foreach (var (name, t) in plain.State) Assert.True(t.Bytes.SequenceEqual(cached.State[name].Bytes), name);
    }

    [Fact]
    public void ALinkLoopInAModelFolderIsNamed()
    {
        using var tree = new Data.TempTree();
        File.Copy(Fixture("hf", "config.json"), tree.Path("config.json"));
        File.CreateSymbolicLink(tree.Path("model.safetensors"), "model.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => ClipCheckpoint.Read(tree.Root));
        Assert.Contains($"{tree.Path("model.safetensors")}: a loop of symbolic links", e.Message);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../x.safetensors")]
    public void AnIndexNamingAShardOutsideTheFolderIsRefused(string shard)
    {
        using var tree = new Data.TempTree();
        string model = tree.Path("model");
        Directory.CreateDirectory(model);
        File.Copy(Fixture("hf", "model.safetensors"), tree.Path("outside.safetensors"));
        File.WriteAllText(Path.Combine(model, "model.safetensors.index.json"), $$$"""{"weight_map": {"logit_scale": "{{{shard}}}"}}""");
        var e = Assert.Throws<InvalidDataException>(() => ClipCheckpoint.Read(model));
        Assert.Contains($"shard '{shard}' (of 'logit_scale') is not a file of the model folder", e.Message);
    }

    /// <summary>A file that does not say its activation takes the caller's, else QuickGELU, and says it assumed it.</summary>
    [Fact]
    public void WithoutAConfigTheActivationIsGivenOrAssumed()
    {
        using var scope = new DisposeScope();
        string openAi = Fixture("openai.safetensors");
        var assumed = ClipCheckpoint.Read(openAi);
        Assert.Equal((ClipSettingsSource.Assumed, Activation.QuickGelu), (assumed.Source, assumed.Config.Text.Activation));
        var given = ClipCheckpoint.Read(openAi, Activation.Gelu);
        Assert.Equal((ClipSettingsSource.Given, Activation.Gelu, Activation.Gelu), (given.Source, given.Config.Vision.Activation, given.Config.Text.Activation));
        Assert.Equal(ClipSettingsSource.TorchScript, ClipCheckpoint.Read(Fixture("openai-jit.pt")).Source);
        var contradiction = Assert.Throws<ArgumentException>(() => ClipCheckpoint.Read(Fixture("hf"), Activation.Gelu));
        Assert.Contains("activation gelu was asked for, but", contradiction.Message);
        Assert.Contains("config.json says quick_gelu (image) and quick_gelu (text)", contradiction.Message);
    }

    /// <summary>Ham's safetensors carry the settings, so a GELU model with 32-wide heads reads back as itself.</summary>
    [Fact]
    public void HamsOwnFilesRecordTheSettingsAndReadBackTheSameModel()
    {
        using var hf = HfCopy(config =>
        {
            Towers(config, "hidden_act", _ => "gelu");
            Towers(config, "num_attention_heads", t => t["hidden_size"]!.GetValue<int>() / 32);
        });
        string saved = hf.Path("saved.safetensors");
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        using (var model = ClipCheckpoint.Load(hf.Root)) ClipCheckpoint.SaveOpenAi(model, saved, new Dictionary<string, string> { ["note"] = "kept" });
        using (var file = SafetensorsFile.Open(saved))
        {
            Assert.Equal("gelu", file.Metadata["ham.vision.activation"]);
            Assert.Equal("32", file.Metadata["ham.text.head_width"]);
            Assert.Equal("kept", file.Metadata["note"]);
        }
        var back = ClipCheckpoint.Read(saved);
        Assert.Equal(ClipSettingsSource.HamMetadata, back.Source);
        Assert.Equal(new TowerSettings(Activation.Gelu, 32, 1e-5), back.Config.Vision);
        using var reloaded = ClipCheckpoint.Load(back, saved);
        var reference = SafetensorsFile.Load(Path.Combine(AppContext.BaseDirectory, "Clip", "Data", "hf_variants.safetensors"));
        var inputs = SafetensorsFile.Load(Fixture("expected.safetensors"));
        AssertClose(reference["gelu_heads32.image_features"], reloaded.EncodeImage(inputs["pixel_values"]), "reloaded");
        AssertClose(reference["gelu_heads32.text_features"], reloaded.EncodeText(inputs["input_ids"]), "reloaded");
    }
}
