using System.CommandLine;

namespace Ham.Cli.Commands;

/// <summary>
/// `ham eval`: accuracy of a (trained or merged) CLIP model per domain, with the class head the
/// trainer uses ("a photo of a {}."), so a run's model.safetensors is scored as training scored it.
/// </summary>
static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint, e.g. a run's model.safetensors", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder: DIR/<domain>/<class>/<image>", Required = true };
        var domains = new Option<string[]>("--domains") { Description = "domains to evaluate (default: all)", AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "images per forward pass", DefaultValueFactory = _ => 64 };
        var activation = ActivationOption.Create();
        var command = new Command("eval", "Accuracy of a CLIP model per domain and mean.") { model, data, domains, batch, activation };
        command.SetAction(parse => ZeroShotCommand.Run(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(domains) ?? [], "single", parse.GetValue(batch),
            ActivationOption.Parse(parse.GetValue(activation))));
        return command;
    }
}
