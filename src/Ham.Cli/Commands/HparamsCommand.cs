using System.CommandLine;
using Ham.Training.Algorithms;
using Ham.Training.Hyperparameters;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham hparams`: each algorithm's hyperparameters on a backbone, with default, range and search distribution (the registry `--hparam` and `--hparams-seed` use).</summary>
static class HparamsCommand
{
    public static Command Create()
    {
        var method = new Option<string[]>("--method") { Description = "algorithms to list (default: all)", AllowMultipleArgumentsPerToken = true };
        var backbone = new Option<string>("--backbone") { Description = "clip or resnet", DefaultValueFactory = _ => "clip" };
        var command = new Command("hparams", "List the hyperparameters of the training algorithms: defaults and random-search distributions.") { method, backbone };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(method) is { Length: > 0 } chosen ? chosen : AlgorithmRegistry.Names.ToArray();
            foreach (string name in names)
            {
                var space = HyperparameterSpace.For(AlgorithmRegistry.Get(name).Name, parse.GetValue(backbone)!);
                var table = new Table().Title(Markup.Escape($"{name} ({space.Backbone})")).AddColumn("name").AddColumn("values").AddColumn("default").AddColumn("search").AddColumn("meaning");
                foreach (var p in space.Parameters)
                    table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Values), Markup.Escape(p.DefaultText), Markup.Escape(p.Search.Description), Markup.Escape(p.Help));
                AnsiConsole.Write(table);
            }
            return 0;
        });
        return command;
    }
}
