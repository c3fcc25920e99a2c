using System.CommandLine;
using Ham.Torch;
using Ham.Training;

namespace Ham.Cli.Commands;

/// <summary>`--device` of the commands that compute with a model: where its weights, its text embeddings and the batches live.</summary>
static class DeviceOption
{
    public static Option<string> Create(string description = "cpu, cuda or cuda:N") =>
        new("--device") { Description = description, DefaultValueFactory = _ => TrainingOptions.Defaults.Device };

    /// <summary>The device named, or one line naming it and what this libtorch sees.</summary>
    public static Device Parse(string name) => Devices.Require(Device.Parse(name));
}
