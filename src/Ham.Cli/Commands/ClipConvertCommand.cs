using System.CommandLine;
using Ham.Clip.Checkpoints;
using Ham.Clip.Model;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham clip convert`: any CLIP checkpoint Ham reads (OpenAI's TorchScript .pt, torch.save state
/// dicts, Hugging Face folders, safetensors) written as one OpenAI-named .safetensors file, the
/// form `ham merge` streams: so a released checkpoint can be the --base of a merge of models that
/// `ham train` (or open_clip) saved under OpenAI names.
/// </summary>
static class ClipConvertCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint (.safetensors, .pt, .bin or a Hugging Face folder)", Required = true };
        var output = new Option<string>("--out") { Description = "output .safetensors file (OpenAI names)", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "stored (as the checkpoint holds them), fp32 or fp16 for floating-point tensors", DefaultValueFactory = _ => "stored" };
        var activation = ActivationOption.Create();
        var command = new Command("convert", "Write a CLIP checkpoint of any supported format as OpenAI-named safetensors.") { model, output, dtype, activation };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(dtype)!, ActivationOption.Parse(parse.GetValue(activation))));
        return command;
    }

    /// <summary>The output's metadata records the activation, head widths and epsilons (config.json's, or what was given or assumed).</summary>
    static int Run(string modelPath, string output, string dtypeName, Activation? activation)
    {
        DType? target = dtypeName switch
        {
            "stored" => null, "fp32" => DType.Float32, "fp16" => DType.Float16,
            _ => throw new ArgumentException($"--dtype must be stored, fp32 or fp16, got '{dtypeName}'"),
        };
        using var scope = new DisposeScope();
        var (state, config, _) = ActivationOption.Read(modelPath, activation);   // refuses what is not a CLIP
        var converted = state.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            KeyValuePair.Create(p.Key, target is { } t && p.Value.DType.IsFloatingPoint() ? p.Value.To(t) : p.Value));
        SafetensorsWriter.Save(output, converted, ClipCheckpoint.Metadata(config, new Dictionary<string, string> { ["ham.converted_from"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(modelPath)) }));
        Console.WriteLine($"wrote {output}: {state.Count} tensors, {config.Describe()}");
        return 0;
    }
}
