using System.CommandLine;
using Ham.Data.Images;
using Ham.Data.Transforms;
using Ham.Torch;
using Ham.Torch.Serialization;
using Ham.Training.Backbones;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham embed`: what a model of any backbone computes on images, as training and evaluation
/// compute it: pixel_values (the evaluation transform with the backbone's statistics),
/// image_features (what the head reads: CLIP's unit embeddings, a ResNet's pooled features) and
/// logits (CLIP: against the class prompts "a photo of a {}." of --classes; ResNet: its own head).
/// For raw texts against a CLIP, `ham clip embed` takes --texts.
/// </summary>
static class EmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "a CLIP or a torchvision ResNet checkpoint", Required = true };
        var images = new Option<string[]>("--images") { Description = "image files (JPEG or PNG)", AllowMultipleArgumentsPerToken = true, Required = true };
        var classes = new Option<string[]>("--classes") { Description = "class names for a CLIP's head (folder-style names)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "output .safetensors file", Required = true };
        var device = DeviceOption.Create();
        var activation = ActivationOption.Create();
        var command = new Command("embed", "Features and logits of any model on images, saved as safetensors.") { model, images, classes, output, device, activation };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(images)!, parse.GetValue(classes) ?? [], parse.GetValue(output)!, parse.GetValue(device)!,
            ActivationOption.Parse(parse.GetValue(activation))));
        return command;
    }

    static int Run(string modelPath, string[] imagePaths, string[] classes, string output, string deviceName, Ham.Clip.Model.Activation? activation)
    {
        if (imagePaths.Length == 0) throw new ArgumentException("--images: give at least one image");
        var device = DeviceOption.Parse(deviceName);
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        using var backbone = Backbone.Open(modelPath, classes, new BackboneOptions(Activation: activation));
        if (backbone.ActivationAssumed) ActivationOption.NoteAssumed(modelPath);
        using var classifier = backbone.CreateModel(trainBatchNorm: false);
        classifier.To(device);
        var transform = new EvalTransform(backbone.Resolution, backbone.Mean, backbone.Std);
        int size = transform.Size;
        var pixels = new float[imagePaths.Length * 3 * size * size];
        for (int i = 0; i < imagePaths.Length; i++)
            transform.ApplyInto(ImageCodec.Read(imagePaths[i]), null, pixels.AsSpan(i * 3 * size * size, 3 * size * size));
        var tensors = new Dictionary<string, Tensor> { ["pixel_values"] = Tensor.FromArray(pixels, imagePaths.Length, 3, size, size) };
        var features = classifier.Features(tensors["pixel_values"].To(device));
        tensors["image_features"] = features.To(Device.CPU);
        tensors["logits"] = classifier.Logits(features).To(Device.CPU);
        SafetensorsWriter.Save(output, tensors, new Dictionary<string, string> { ["model"] = Path.GetFullPath(modelPath), ["backbone"] = backbone.Kind });
        Console.WriteLine($"wrote {string.Join(", ", tensors.Keys)} to {output}");
        return 0;
    }
}
