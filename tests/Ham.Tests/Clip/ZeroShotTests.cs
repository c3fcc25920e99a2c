using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Clip.ZeroShot;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Clip;

public class ZeroShotTests
{
    [Theory]
    [InlineData("art_painting", "art painting")]
    [InlineData("Alarm_Clock", "alarm clock")]
    [InlineData("Real World", "real world")]
    [InlineData("Flip_Flops", "flip flops")]
    [InlineData("dog", "dog")]
    public void ClassNamesBecomePromptWords(string folder, string words) => Assert.Equal(words, ClassNames.ForPrompt(folder));

    [Fact]
    public void ImageNetEnsembleHasEightyDistinctTemplates()
    {
        Assert.Equal(80, PromptTemplates.ImageNet.Count);
        Assert.Equal(80, PromptTemplates.ImageNet.Distinct().Count());
        Assert.Contains("itap of a {}.", PromptTemplates.ImageNet);
        Assert.Equal(["a photo of a {}."], PromptTemplates.Parse("single"));
    }

    [Fact]
    public void TemplateFilesNeedOnePlaceholderPerLine()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "a {} in a box.\n\nart of the {}.\n");
            Assert.Equal(["a {} in a box.", "art of the {}."], PromptTemplates.Parse(path));
            File.WriteAllText(path, "a {} in a box.\nno placeholder here\n");
            var error = Assert.Throws<InvalidDataException>(() => PromptTemplates.Parse(path));
            Assert.Contains("line 2", error.Message);
        }
        finally { File.Delete(path); }
        Assert.Throws<ArgumentException>(() => PromptTemplates.Parse("/no/such/templates.txt"));
    }

    /// <summary>With one template, the head's logits are the reference logits_per_image column of that prompt.</summary>
    [Fact]
    public void SingleTemplateHeadReproducesTheReferenceLogits()
    {
        using var scope = new DisposeScope();
        using var clip = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"));
        var expected = SafetensorsFile.Load(SharedData.Path("fixtures", "clip", "vit-tiny", "expected.safetensors"));
        // Prompt 0 of the fixture is "a photo of a dog."
        using var head = ZeroShotHead.Create(clip, ["dog"], PromptTemplates.Single);
        var logits = head.Logits(expected["image_features"]).ToArray<float>();
        var reference = expected["logits_per_image"].Narrow(1, 0, 1).Contiguous().ToArray<float>();
        for (int i = 0; i < reference.Length; i++) Assert.Equal(reference[i], logits[i], 3e-3f * Math.Abs(reference[i]) + 1e-4f);
    }

    /// <summary>Ensembling: mean of the prompts' unit embeddings, renormalized.</summary>
    [Fact]
    public void EnsembleAveragesNormalizedPromptEmbeddings()
    {
        using var scope = new DisposeScope();
        using var clip = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"));
        using var noGrad = LibTorch.NoGrad();
        string[] templates = ["a photo of a {}.", "a sketch of the {}.", "art of a {}."];
        using var head = ZeroShotHead.Create(clip, ["Alarm_Clock", "dog"], templates);
        var ids = Ham.Clip.Text.ClipTokenizer.OpenAi.TokenizeBatch(templates.Select(t => t.Replace("{}", "alarm clock")).ToList());
        var unit = ClipModel.Normalize(clip.EncodeText(ids)).ToArray<float>();
        int d = (int)clip.Config.EmbedDim;
        var mean = new double[d];
        for (int p = 0; p < templates.Length; p++)
            for (int j = 0; j < d; j++) mean[j] += unit[p * d + j] / templates.Length;
        double norm = Math.Sqrt(mean.Sum(v => v * v));
        var row = head.ClassEmbeddings.Narrow(0, 0, 1).Contiguous().ToArray<float>();
        for (int j = 0; j < d; j++) Assert.Equal(mean[j] / norm, row[j], 1e-5);
        Assert.Equal([2L, d], head.ClassEmbeddings.Shape);
    }

    /// <summary>Batched, parallel evaluation agrees with classifying the images one by one.</summary>
    [Fact]
    public void BatchedAccuracyEqualsOneByOneClassification()
    {
        using var scope = new DisposeScope();
        using var clip = ClipCheckpoint.Load(SharedData.Path("fixtures", "clip", "rn-tiny", "openai.safetensors"));
        var dataset = Ham.Data.Datasets.DomainDataset.Open(SharedData.Path("data", "PACS-mini"));
        var images = dataset.Domains[0].Images.Where((_, i) => i % 20 == 0).ToList();
        using var head = ZeroShotHead.Create(clip, dataset.Classes, PromptTemplates.Single);
        using var noGrad = LibTorch.NoGrad();
        int correct = 0;
        foreach (var image in images)
        {
            using var one = new DisposeScope();
            var pixels = Ham.Clip.Preprocessing.ClipPreprocessing.ToTensor(Ham.Data.Images.ImageCodec.Read(image.Path), clip.Config.ImageResolution).Unsqueeze(0);
            if (head.Logits(clip.EncodeImage(pixels)).ArgMax(-1).ItemLong() == image.Label) correct++;
        }
        var done = new List<int>();
        double accuracy = DomainAccuracy.Evaluate(clip, head, images, batchSize: 5, progress: done.Add);
        Assert.Equal((double)correct / images.Count, accuracy);
        Assert.Equal(images.Count, done[^1]);
        Assert.Equal((images.Count + 4) / 5, done.Count);
    }
}
