using System.Globalization;
using System.Text.Json.Nodes;
using Ham.Experiments;
using Ham.Experiments.Tsne;
using Ham.Tests.Cli;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Experiments;

/// <summary>`ham tsne` end to end: from a features file, and from a dataset and a model (features as `ham embed` computes them).</summary>
[Collection(nameof(ConsoleCapture))]
public class TsneCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ham-tsne").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void FeaturesFileGivesOneEmbeddingPerModel()
    {
        var reference = TsneReference.Load();
        var points = reference.Labels.Select((label, i) => new LabelledPoint(i < 60 ? "a" : "b", $"c{label}", $"dir,with comma/{i}.jpg")).ToList();
        var values = reference.Points.SelectMany(r => r).Select(v => (float)v).ToArray();
        string features = Path.Combine(dir, "features.csv"), output = Path.Combine(dir, "out");
        FeatureCsv.Write(features, [new FeatureSet("zero-shot", points, values, 10), new FeatureSet("ham", points, values.Select(v => 2 * v).ToArray(), 10)]);
        var (code, log) = ConsoleCapture.Run("tsne", "--features", features, "--perplexity", "20", "--iterations", "300", "--out", output);
        Assert.True(code == 0, log);
        Assert.Contains("iteration 300: KL", log);

        var lines = File.ReadAllLines(Path.Combine(output, "embedding.csv"));
        Assert.Equal("model,domain,class,path,x,y", lines[0]);
        Assert.Equal(1 + 2 * 120, lines.Length);
        var first = CsvFields.Split(lines[1], "embedding.csv:2");
        Assert.Equal(["zero-shot", "a", "c0", "dir,with comma/0.jpg"], first.Take(4));
        Assert.True(double.IsFinite(double.Parse(first[4], CultureInfo.InvariantCulture)));
        Assert.Equal("ham", CsvFields.Split(lines[121], "embedding.csv:122")[0]);

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "tsne.json")))!;
        var models = summary["models"]!.AsArray();
        Assert.Equal(["zero-shot", "ham"], models.Select(m => m!["model"]!.GetValue<string>()));
        // The same run as the library's on the same features.
        using var tensor = FeatureCsv.Read(features)[0].ToTensor();
        var direct = TsneOptimizer.Fit(tensor, new TsneOptions(20, 300, TsneInit.Pca));
        Assert.Equal(direct.KlDivergence, models[0]!["kl_divergence"]!.GetValue<double>());
        Assert.True(File.Exists(Path.Combine(output, "tsne.svg")) && File.Exists(Path.Combine(output, "tsne.png")));
    }

    /// <summary>The features `ham tsne` computes from a dataset are those `ham embed` writes for the same images and model.</summary>
    [Fact]
    public void DatasetFeaturesAreThoseOfHamEmbed()
    {
        string clip = SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors"), output = Path.Combine(dir, "out");
        var (code, log) = ConsoleCapture.Run("tsne", "--data", SharedData.Path("data", "PACS-mini"), "--model", clip, "--domains", "photo", "sketch",
            "--samples", "6", "--perplexity", "3", "--iterations", "260", "--init", "random", "--out", output);
        Assert.True(code == 0, log);
        var sets = FeatureCsv.Read(Path.Combine(output, "features.csv"));
        var set = Assert.Single(sets);
        Assert.Equal(12, set.Points.Count);
        Assert.Equal(["photo", "sketch"], set.Points.Select(p => p.Domain).Distinct());
        string embedded = Path.Combine(dir, "embed.safetensors");
        (code, log) = ConsoleCapture.Run(["embed", "--model", clip, "--images", .. set.Points.Select(p => p.Path), "--classes", "dog", "--out", embedded]);
        Assert.True(code == 0, log);
        using var scope = new DisposeScope();
        var expected = SafetensorsFile.Load(embedded)["image_features"].ToArray<float>();
        // Batches differ (`ham embed` runs all 12 at once, `ham tsne` 6 per domain), so the matmuls round differently.
        Assert.Equal(expected.Length, set.Values.Length);
        Assert.True(expected.Zip(set.Values).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
        Assert.Equal(1 + 12, File.ReadAllLines(Path.Combine(output, "embedding.csv")).Length);
    }

    [Theory]
    [InlineData("--init", "umap", "--init")]
    [InlineData("--perplexity", "500", "perplexity")]
    [InlineData("--seed", "-1", "--seed")]
    public void BadOptionsAreOneLineErrors(string option, string value, string named)
    {
        string features = Path.Combine(dir, "f.csv");
        File.WriteAllText(features, "model,domain,class,path,f0,f1\nm,a,c,p,1,2\nm,a,c,q,3,4\nm,b,d,r,5,7\n");
        var (code, log) = ConsoleCapture.Run("tsne", "--features", features, option, value, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.Contains(named, log);
    }

    [Fact]
    public void MalformedFeaturesFileNamesTheLine()
    {
        string features = Path.Combine(dir, "f.csv");
        File.WriteAllText(features, "model,domain,class,path,f0,f1\nm,a,c,p,1,2\nm,a,c,q,3,x\n");
        var (code, log) = ConsoleCapture.Run("tsne", "--features", features, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.Contains("f.csv:3", log);
        Assert.Contains("f1", log);
    }
}
