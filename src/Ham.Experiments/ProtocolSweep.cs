using Ham.Data.Datasets;
using Ham.Training;
using Ham.Training.Hyperparameters;

namespace Ham.Experiments;

/// <summary>
/// DomainBed's protocol as HAM reports it (DESIGN.md, "Protocol"; Gulrajani and Lopez-Paz 2021):
/// every domain in turn is the test domain, and every method is trained once per seed, the seed
/// being both the split's trial seed (which 20% of each source is held out) and the training seed
/// (batches and augmentation). Runs go to &lt;Template.OutDir&gt;/&lt;method&gt;/&lt;test domain&gt;/seed&lt;N&gt;; a run with
/// results.json is done and skipped, a run with a checkpoint is resumed, so a killed sweep is
/// continued by starting it again.
/// </summary>
public sealed record ProtocolSweep(TrainingOptions Template, IReadOnlyList<string> Methods, IReadOnlyList<string> TestDomains, IReadOnlyList<int> Seeds)
{
    /// <summary>The seeds HAM's tables average over.</summary>
    public static IReadOnlyList<int> PaperSeeds { get; } = [41, 42, 43];

    /// <summary>A method's folder name: a merge set for the sweep is part of it, since per-source runs differ by merge alone.</summary>
    public string MethodFolder(string method) => HyperparametersOf(method).TryGetValue("merge", out var merge) ? $"{method}-{merge}" : method;

    /// <summary>The sweep's hyperparameters that <paramref name="method"/> has (as DomainBed, a sweep's setting applies to the algorithms that read it).</summary>
    public IReadOnlyDictionary<string, string> HyperparametersOf(string method)
    {
        var names = HyperparameterSpace.For(method, "clip").Names;
        return new SortedDictionary<string, string>(Template.Hyperparameters.Where(p => names.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
    }

    /// <summary>Every run of the sweep, in the order it trains them (method, then test domain, then seed).</summary>
    public IReadOnlyList<TrainingOptions> Runs() =>
        (from method in Methods
         from test in TestDomains
         from seed in Seeds
         select Template with
         {
             Method = method, TestDomain = test, Seed = seed, TrialSeed = seed, Hyperparameters = HyperparametersOf(method),
             OutDir = Path.Combine(Template.OutDir, MethodFolder(method), test, $"seed{seed}"),
         }).ToList();

    public static bool IsDone(TrainingOptions run) => File.Exists(Path.Combine(run.OutDir, "results.json"));

    /// <summary>Trains every run not done yet; <paramref name="progress"/> gets (run index, run count, run, fraction of the run done).</summary>
    public void Run(Action<int, int, TrainingOptions, double>? progress = null)
    {
        // A misspelt domain fails now, not after the runs before it have trained.
        var domains = DomainDataset.Open(Template.DataDir).Domains.Select(d => d.Name).ToList();
        if (TestDomains.Except(domains).ToList() is { Count: > 0 } unknown)
            throw new ArgumentException($"test domain {string.Join(", ", unknown.Select(d => $"'{d}'"))} is not in {Template.DataDir} (its domains: {string.Join(", ", domains)})");
        var runs = Runs();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            if (IsDone(run))
            {
                progress?.Invoke(i, runs.Count, run, 1);
                continue;
            }
            // --resume starts afresh where no checkpoint was saved yet, and continues where one was.
            using var trainer = new Trainer(run with { Resume = true });
            int steps = trainer.Hyperparameters.Int("steps");
            trainer.Run((step, _) => progress?.Invoke(i, runs.Count, run, (double)step / steps));
        }
    }
}
