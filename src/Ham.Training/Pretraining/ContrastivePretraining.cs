using System.Text.Json;
using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Clip.Preprocessing;
using Ham.Clip.Text;
using Ham.Data.Datasets;
using Ham.Data.Images;
using Ham.Data.Loading;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Torch.Optim;

namespace Ham.Training.Pretraining;

/// <summary>Shape and schedule of the tiny CLIP `ham pretrain` makes.</summary>
public sealed record PretrainingOptions
{
    public int Steps { get; init; } = 1000;
    public int Batch { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    public int Resolution { get; init; } = 32;
    /// <summary>
    /// "resnet" (a ModifiedResNet of base width ResNetWidth, one block per stage) or "vit" (a ViT of
    /// Patch, Width, Layers). The ResNet is the default: on the synthetic corpus at 32 px it learns
    /// shapes that transfer across styles. The zero-shot row of `ham demo` (held-out cartoon; the
    /// sources' validation split) reads 42.9% and 29.8% with it, 25.0% and 16.1% with the 4-layer
    /// ViT of patch 8 that was the default before (2026-11-22 and 2026-11-25 runs, README).
    /// </summary>
    public string Vision { get; init; } = "resnet";
    public int Patch { get; init; } = 8;
    public int ResNetWidth { get; init; } = 16;
    public int Width { get; init; } = 128;
    public int Layers { get; init; } = 4;
    public int TextWidth { get; init; } = 128;
    public int TextLayers { get; init; } = 3;
    public int ContextLength { get; init; } = 16;
    public int EmbedDim { get; init; } = 64;
    public int Seed { get; init; }
}

/// <summary>
/// Contrastive pretraining of a tiny CLIP from scratch (Radford et al. 2021, section 2.3): for a
/// batch of N image-caption pairs, logits = exp(t) * I T^T over unit embeddings, and the loss is
/// the mean of the cross-entropies over rows (image -> caption) and columns (caption -> image);
/// the temperature t is learned. AdamW with linear warm-up then cosine decay. Captions are
/// tokenized with CLIP's real tokenizer. The result is saved as OpenAI-named safetensors, so every
/// command loads it like a released CLIP; a file made from the same data and options is reused.
/// </summary>
public static class ContrastivePretraining
{
    /// <summary>
    /// Trains on DIR/captions.tsv ("relative/image/path\tcaption") and writes <paramref name="output"/>;
    /// returns false when reused. Images that cannot be decoded are left out, with their captions,
    /// and passed to <paramref name="skipped"/>. The file is reused only when it was made with the
    /// same options from the same captions and the same image bytes, on the same kind of device
    /// (a GPU's kernels give other bits than the CPU's).
    /// </summary>
    public static bool Run(string captionsPath, string output, PretrainingOptions options, Action<int, double>? progress = null,
        Action<ImageFileException>? skipped = null, Device? device = null)
    {
        device ??= Device.CPU;
        var (images, captions, corpusHash) = ReadCorpus(captionsPath, skipped);
        string settings = JsonSerializer.Serialize(options) + "|" + corpusHash + (device.Value.Type == DeviceType.CPU ? "" : $"|{device.Value.Type}");
        if (File.Exists(output))
        {
            using var existing = Ham.Torch.Serialization.SafetensorsFile.Open(output);
            if (existing.Metadata.GetValueOrDefault("ham.pretrain") == settings) return false;
        }
        var config = options.Vision switch
        {
            "vit" => new ClipConfig(options.EmbedDim, options.Resolution, [options.Layers], options.Width, options.Patch,
                options.ContextLength, 49408, options.TextWidth, options.TextLayers),
            "resnet" => new ClipConfig(options.EmbedDim, options.Resolution, [1, 1, 1, 1], options.ResNetWidth, 0,
                options.ContextLength, 49408, options.TextWidth, options.TextLayers),
            var v => throw new ArgumentException($"vision tower must be vit or resnet, got '{v}'"),
        };
        using var generator = new Generator((ulong)options.Seed);
        using var clip = new ClipModel(config, generator);
        clip.To(device.Value);
        using var captionTokens = ClipTokenizer.OpenAi.TokenizeBatch(captions, options.ContextLength, truncate: true);
        using var tokens = captionTokens.To(device.Value);
        using var loader = new InfiniteDomainLoader(images, new TrainAugmentation(options.Resolution, ClipPreprocessing.Mean, ClipPreprocessing.Std),
            options.Batch, new SamplerState((ulong)options.Seed, 0), threads: 1, prefetch: 1);
        using var optimizer = new AdamW(clip.Parameters(), options.LearningRate, weightDecay: 0.1);
        var schedule = new WarmupCosineSchedule(options.LearningRate, options.Steps / 10, options.Steps);

        for (int step = 1; step <= options.Steps; step++)
        {
            using var scope = new DisposeScope();
            using var batch = loader.Next();
            var (pixels, labels) = (batch.Images.To(device.Value), batch.Labels.To(device.Value));
            var image = ClipModel.Normalize(clip.EncodeImage(pixels));
            var text = ClipModel.Normalize(clip.EncodeText(tokens.IndexSelect(0, labels)));
            var logits = Functional.MatMul(image, text.T) * clip.LogitScale.Clamp(max: Math.Log(100)).Exp();
            var targets = Tensor.Arange(0, labels.Size(0), device: device);
            var loss = (Functional.CrossEntropy(logits, targets) + Functional.CrossEntropy(logits.T, targets)) / 2;
            optimizer.ZeroGrad();
            loss.Backward();
            schedule.Apply(optimizer, step - 1);
            optimizer.Step();
            progress?.Invoke(step, loss.Item());
        }
        clip.To(Device.CPU);
        ClipCheckpoint.SaveOpenAi(clip, output, new Dictionary<string, string> { ["ham.pretrain"] = settings });
        return true;
    }

    /// <summary>
    /// The corpus as labelled images (label = caption index) and captions, without the images that
    /// do not decode, and a SHA-256 over the captions file and every image's bytes in order.
    /// </summary>
    static (List<LabelledImage> Images, List<string> Captions, string Hash) ReadCorpus(string path, Action<ImageFileException>? skipped)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(path));
        var images = new List<LabelledImage>();
        var captions = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            if (tab <= 0) throw new InvalidDataException($"{path}, line {lineNumber}: expected 'image<TAB>caption', got \"{line}\"");
            string image = Path.Combine(dir, line[..tab]);
            try
            {
                Ham.Torch.Serialization.InputFile.Require(image, "image"); // not a link to a device
                var bytes = File.ReadAllBytes(image);
                ImageCodec.Decode(bytes, image);
                hash.AppendData(bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                skipped?.Invoke(e as ImageFileException ?? new ImageFileException(image, $"cannot be read ({e.Message})"));
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"unreadable:{image}"));
                continue;
            }
            images.Add(new LabelledImage(image, captions.Count));
            captions.Add(line[(tab + 1)..]);
        }
        if (captions.Count == 0) throw new InvalidDataException($"{path}: no captions with a readable image");
        return (images, captions, Convert.ToHexString(hash.GetHashAndReset()));
    }
}
