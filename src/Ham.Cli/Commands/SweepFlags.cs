using System.CommandLine;
using Ham.Data.Datasets;
using Ham.Experiments;
using Ham.Training;
using Ham.Training.Backbones;

namespace Ham.Cli.Commands;

/// <summary>
/// The flags `ham sweep` and `ham study` share (the training flags, the sweep folder, test domains,
/// hyperparameter trials, seeds, --print-commands) and how they make a <see cref="ProtocolSweep"/>
/// of given variants.
/// </summary>
sealed class SweepFlags
{
    public TrainingFlags Training { get; } = new();
    public Option<string> Output { get; } = new("--out") { Description = "sweep folder (OUT/<hash of each job's configuration>)", Required = true };
    public Option<string[]> TestDomains { get; } = new("--test-domains") { Description = "default: every domain in turn", AllowMultipleArgumentsPerToken = true };
    public Option<int[]> Seeds { get; } = new("--seeds") { Description = "trial seeds (each also the training seed)", DefaultValueFactory = _ => [.. ProtocolSweep.PaperSeeds], AllowMultipleArgumentsPerToken = true };
    public Option<int> Trials { get; } = new("--n-hparams") { Description = "hyperparameter trials per method, test domain and seed (random search)", DefaultValueFactory = _ => 1 };
    public Option<int> FirstTrial { get; } = new("--hparams-seed-from") { Description = "the first trial's hparams_seed (0 = the defaults; N = DomainBed's draw)", DefaultValueFactory = _ => 0 };
    public Option<bool> Print { get; } = new("--print-commands") { Description = "train nothing: print one `ham train` command per job not done yet" };

    public IEnumerable<Option> All => [Output, TestDomains, Seeds, Trials, FirstTrial, Print, .. Training.All];

    /// <summary>The sweep of the variants <paramref name="variants"/> makes from the shared options (their hyperparameter flags included).</summary>
    public ProtocolSweep Read(ParseResult parse, Func<TrainingOptions, IReadOnlyList<SweepVariant>> variants)
    {
        int n = parse.GetValue(Trials), from = parse.GetValue(FirstTrial);
        if (n < 1) throw new ArgumentException($"--n-hparams must be at least 1, got {n}");
        if (from < 0) throw new ArgumentException($"--hparams-seed-from must be >= 0, got {from}");
        string dataDir = parse.GetValue(Training.Data)!;
        var domains = parse.GetValue(TestDomains) is { Length: > 0 } chosen ? chosen : DomainDataset.Open(dataDir).Domains.Select(d => d.Name).ToArray();
        var template = Training.Read(parse, TrainingOptions.Defaults.Method, domains[0], parse.GetValue(Output)!);
        template.Validate();
        return new ProtocolSweep(template, variants(template), domains, Enumerable.Range(from, n).ToList(), parse.GetValue(Seeds)!);
    }

    /// <summary>--print-commands' lines, or the sweep trained with a progress bar; returns whether it trained.</summary>
    public bool PrintOrRun(ParseResult parse, ProtocolSweep sweep)
    {
        if (parse.GetValue(Print))
        {
            foreach (string line in sweep.Commands()) Console.WriteLine(line);
            return false;
        }
        SweepCommand.Train(sweep);
        return true;
    }
}
