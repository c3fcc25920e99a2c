using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Vision;

namespace Ham.Tests.Cli;

/// <summary>`ham eval` and `ham embed` on both backbones.</summary>
[Collection(nameof(ConsoleCapture))]
public class EvalAndEmbedTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-embed").FullName;
    static readonly string Clip = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");
    static string[] Images => Directory.GetFiles(SharedData.Path("fixtures", "clip", "images")).Order().ToArray();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A CLIP's embedding: unit image features and logits = exp(logit_scale) * cos with the class prompts, as `ham clip embed` computes them.</summary>
    [Fact]
    public void ClipEmbeddingIsTheNormalizedFeaturesAgainstTheClassPrompts()
    {
        string ours = Path.Combine(dir, "embed.safetensors"), clip = Path.Combine(dir, "clip.safetensors");
        var (code, output) = ConsoleCapture.Run(["embed", "--model", Clip, "--images", .. Images, "--classes", "dog", "guitar", "--out", ours]);
        Assert.True(code == 0, output);
        (code, output) = ConsoleCapture.Run(["clip", "embed", "--model", Clip, "--images", .. Images, "--texts", "a photo of a dog.", "a photo of a guitar.", "--out", clip]);
        Assert.True(code == 0, output);
        using var scope = new DisposeScope();
        var a = SafetensorsFile.Load(ours);
        var b = SafetensorsFile.Load(clip);
        Assert.Equal(b["pixel_values"].ToArray<float>(), a["pixel_values"].ToArray<float>());
        var unit = ClipModel.Normalize(b["image_features"]);
        Assert.True((a["image_features"] - unit).Abs().Max().Item() < 1e-6);
        using var model = Ham.Clip.Checkpoints.ClipCheckpoint.Load(Clip);
        var logits = Functional.MatMul(unit, ClipModel.Normalize(b["text_features"]).T) * model.LogitScale.Exp().Item();
        Assert.True((a["logits"] - logits).Abs().Max().Item() < 1e-4 * logits.Abs().Max().Item());
    }

    /// <summary>A ResNet's embedding: ImageNet-normalized pixels, the pooled features and its own fc's logits.</summary>
    [Fact]
    public void ResNetEmbeddingIsItsFeaturesAndHead()
    {
        string path = Path.Combine(dir, "resnet.safetensors"), ours = Path.Combine(dir, "embed.safetensors");
        using (var generator = new Generator(3))
        using (var resnet = new ResNet(new ResNetArchitecture(ResNetBlockKind.Basic, [1, 1, 1, 1], 5), generator))
            ResNetCheckpoint.Save(resnet, path);
        var (code, output) = ConsoleCapture.Run(["embed", "--model", path, "--images", .. Images, "--out", ours]);
        Assert.True(code == 0, output);
        using var scope = new DisposeScope();
        var a = SafetensorsFile.Load(ours);
        Assert.Equal([Images.Length, 3, 224, 224], a["pixel_values"].Shape);
        using var model = ResNetCheckpoint.Load(path);
        var features = model.Features(a["pixel_values"]);
        Assert.Equal(features.ToArray<float>(), a["image_features"].ToArray<float>());
        Assert.Equal(model.Fc.Forward(features).ToArray<float>(), a["logits"].ToArray<float>());
    }

    /// <summary>
    /// `ham eval` of a trained CLIP scores with the trainer's head: the single-template zero-shot
    /// accuracy of that model on the domain, computed through the zero-shot head. The model is
    /// trained a little first: the random fixture predicts one class everywhere (1/7 on every domain),
    /// which any head would match.
    /// </summary>
    [Fact]
    public void ClipEvalEqualsSingleTemplateZeroShotOfATrainedModel()
    {
        string data = SharedData.Path("data", "PACS-mini");
        var options = new Ham.Training.TrainingOptions
        {
            DataDir = data, TestDomain = "sketch", ModelPath = Clip, OutDir = Path.Combine(dir, "erm"), Method = "erm", EvalEvery = 100, CheckpointEvery = 100,
            Hyperparameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["steps"] = "12", ["batch_size"] = "8", ["lr"] = "1e-3" },
        };
        using (var trainer = new Ham.Training.Trainer(options)) trainer.Run();
        string trained = Path.Combine(options.OutDir, "model.safetensors");
        var (code, eval) = ConsoleCapture.Run(["eval", "--model", trained, "--data", data, "--domains", "photo"]);
        Assert.True(code == 0, eval);
        var dataset = Ham.Data.Datasets.DomainDataset.Open(data);
        using var model = Ham.Clip.Checkpoints.ClipCheckpoint.Load(trained);
        using var head = Ham.Clip.ZeroShot.ZeroShotHead.Create(model, dataset.Classes, Ham.Clip.ZeroShot.PromptTemplates.Single);
        double accuracy = Ham.Clip.ZeroShot.DomainAccuracy.Evaluate(model, head, dataset.Domains[dataset.IndexOf("photo")].Images);
        Assert.NotEqual(1.0 / 7, accuracy, 6);
        string row = Assert.Single(eval.Split('\n'), l => l.Contains('│') && l.Contains("photo"));
        Assert.Contains($"{100 * accuracy:F2}", row);
    }
}
