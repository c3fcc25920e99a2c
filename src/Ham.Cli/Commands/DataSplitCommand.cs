using System.CommandLine;
using Ham.Data.Datasets;
using Ham.Data.Splits;
using Spectre.Console;

namespace Ham.Cli.Commands;

/// <summary>`ham data split`: DomainBed's in/out split of every domain for one trial, written to JSON.</summary>
static class DataSplitCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "dataset folder: DIR/<domain>/<class>/<image>" };
        var testDomain = new Option<string>("--test-domain") { Description = "the held-out test domain (folder name)", Required = true };
        var trialSeed = new Option<int>("--trial-seed") { Description = "DomainBed's --trial_seed", DefaultValueFactory = _ => 0 };
        var holdout = new Option<double>("--holdout") { Description = "fraction of each domain held out as its 'out' split (DomainBed's --holdout_fraction)", DefaultValueFactory = _ => DomainBedSplit.DefaultHoldoutFraction };
        var output = new Option<string>("--out") { Description = "split file to write (JSON)", Required = true };
        var command = new Command("split", "Split every domain into DomainBed's 'in' and 'out' parts exactly as DomainBed's train.py does, and write the indices to JSON.")
        {
            dir, testDomain, trialSeed, holdout, output,
        };
        command.SetAction(parse => Run(parse.GetValue(dir)!, parse.GetValue(testDomain)!, parse.GetValue(trialSeed), parse.GetValue(holdout), parse.GetValue(output)!));
        return command;
    }

    static int Run(string dir, string testDomain, int trialSeed, double holdout, string output)
    {
        if (holdout is < 0 or >= 1) throw new ArgumentException($"--holdout must be in [0, 1), got {holdout}");
        var dataset = DomainDataset.Open(dir);
        int test = dataset.IndexOf(testDomain);
        var splits = DomainBedSplit.ForDomains(dataset.Domains.Select(d => (d.Name, d.Images.Count)).ToList(), test, trialSeed, holdout);
        SplitFile.Write(output, splits);

        var table = new Table().AddColumns("env", "domain", "role", "images", "in", "out", "seed_hash");
        for (int i = 0; i < splits.Count; i++)
        {
            var s = splits[i];
            table.AddRow(i.ToString(), Markup.Escape(s.Domain), s.IsTest ? "[yellow]test[/]" : "train", (s.In.Count + s.Out.Count).ToString(),
                s.In.Count.ToString(), s.Out.Count.ToString(), s.Seed.ToString());
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"wrote {output} (trial seed {trialSeed}, holdout {holdout})");
        return 0;
    }
}
