using System.CommandLine;
using Ham.Clip.Checkpoints;
using Ham.Clip.Preprocessing;
using Ham.Clip.Text;
using Ham.Data.Images;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham clip embed`: the tensors of the fixtures' expected.safetensors for any model, images and
/// texts: pixel_values, input_ids, image_features and text_features (unnormalized encoder
/// outputs) and, when both are given, logits_per_image.
/// </summary>
static class ClipEmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint (.safetensors, .pt, .bin or a Hugging Face folder)", Required = true };
        var images = new Option<string[]>("--images") { Description = "image files (JPEG or PNG)", AllowMultipleArgumentsPerToken = true };
        var texts = new Option<string[]>("--texts") { Description = "texts to encode", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "output .safetensors file", Required = true };
        var activation = ActivationOption.Create();
        var device = DeviceOption.Create();
        var command = new Command("embed", "Encode images and texts with a CLIP model and save the tensors.") { model, images, texts, output, activation, device };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(images) ?? [], parse.GetValue(texts) ?? [], parse.GetValue(output)!,
            ActivationOption.Parse(parse.GetValue(activation)), DeviceOption.Parse(parse.GetValue(device)!)));
        return command;
    }

    static int Run(string modelPath, string[] imagePaths, string[] texts, string output, Ham.Clip.Model.Activation? activation, Device device)
    {
        if (imagePaths.Length == 0 && texts.Length == 0)
            throw new ArgumentException("nothing to embed: give --images, --texts or both");
        OutputFile.CheckTarget(output);
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        using var clip = ClipCheckpoint.Load(ActivationOption.Read(modelPath, activation), modelPath);
        clip.To(device);
        var tensors = new Dictionary<string, Tensor>();
        if (imagePaths.Length > 0)
        {
            tensors["pixel_values"] = ClipPreprocessing.Batch(imagePaths.Select(ImageCodec.Read), clip.Config.ImageResolution);
            tensors["image_features"] = clip.EncodeImage(tensors["pixel_values"].To(device));
        }
        if (texts.Length > 0)
        {
            tensors["input_ids"] = ClipTokenizer.OpenAi.TokenizeBatch(texts, clip.Config.ContextLength);
            tensors["text_features"] = clip.EncodeText(tensors["input_ids"].To(device));
        }
        if (imagePaths.Length > 0 && texts.Length > 0)
            tensors["logits_per_image"] = clip.LogitsPerImage(tensors["image_features"], tensors["text_features"]);
        SafetensorsWriter.Save(output, tensors.ToDictionary(p => p.Key, p => p.Value.To(Device.CPU)), new Dictionary<string, string> { ["model"] = Path.GetFullPath(modelPath) });
        Console.WriteLine($"wrote {string.Join(", ", tensors.Keys)} to {output}");
        return 0;
    }
}
