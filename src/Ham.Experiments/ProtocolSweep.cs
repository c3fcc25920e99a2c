using Ham.Data.Datasets;
using Ham.Training;
using Ham.Training.Backbones;
using Ham.Training.Hyperparameters;

namespace Ham.Experiments;

/// <summary>
/// DomainBed's sweep (domainbed/scripts/sweep.py; Gulrajani and Lopez-Paz 2021) as HAM runs it:
/// every variant x every test domain x every hyperparameter trial (hparams_seed; 0 = the
/// defaults, N = DomainBed's seeded draw) x every seed. The seed is both the split's trial seed
/// (which 20% of each source is held out) and the training seed, as the paper's seeds 41, 42, 43
/// (DomainBed derives the training seed from all the others instead). Each job trains into
/// SWEEP/&lt;hash of its configuration&gt; (<see cref="SweepJob"/>): a done job is skipped, a killed one
/// resumed, and a job of another configuration lands in another folder, so it never stands in.
/// <see cref="Template"/> holds the options every job shares (paths, eval and checkpoint cadence,
/// device...); its method, variant, hyperparameters, seeds and test domain are the job's.
/// </summary>
public sealed record ProtocolSweep(TrainingOptions Template, IReadOnlyList<SweepVariant> Variants, IReadOnlyList<string> TestDomains,
    IReadOnlyList<int> HparamsSeeds, IReadOnlyList<int> Seeds)
{
    /// <summary>The seeds HAM's tables average over.</summary>
    public static IReadOnlyList<int> PaperSeeds { get; } = [41, 42, 43];

    /// <summary>Every job of the sweep, in the order it trains them (variant, test domain, trial, seed).</summary>
    public IReadOnlyList<SweepJob> Jobs()
    {
        string backbone = Backbone.KindOf(Template.ModelPath);
        string sweepDir = Path.GetFullPath(Template.OutDir);
        var jobs = new List<SweepJob>();
        foreach (var variant in Variants)
            foreach (string test in TestDomains)
                foreach (int hparamsSeed in HparamsSeeds)
                    foreach (int seed in Seeds)
                    {
                        // Absolute paths: the printed `ham train` line has them, and a resumed run must match its run.json.
                        var options = Template with
                        {
                            DataDir = Path.GetFullPath(Template.DataDir), ModelPath = Path.GetFullPath(Template.ModelPath),
                            Method = variant.Algorithm, Variant = variant.Label, Hyperparameters = variant.Hyperparameters,
                            TestDomain = test, HparamsSeed = hparamsSeed, Seed = seed, TrialSeed = seed,
                        };
                        var resolved = HyperparameterSpace.Resolve(variant.Algorithm, backbone, hparamsSeed, seed, variant.Hyperparameters);
                        var configuration = RunConfiguration.Of(options, resolved);
                        jobs.Add(new SweepJob(options with { OutDir = Path.Combine(sweepDir, RunConfiguration.Hash(configuration)) }, configuration));
                    }
        return jobs;
    }

    /// <summary>The `ham train` line of every job not done yet, in <see cref="Jobs"/>' order.</summary>
    public IReadOnlyList<string> Commands()
    {
        RequireTestDomains();
        return Jobs().Where(j => !j.IsDone()).Select(j => j.CommandLine()).ToList();
    }

    /// <summary>Trains every job not done yet; <paramref name="progress"/> gets (job index, job count, job, fraction of the job done).</summary>
    public void Run(Action<int, int, SweepJob, double>? progress = null)
    {
        RequireTestDomains();
        var jobs = Jobs();
        for (int i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (job.IsDone())
            {
                progress?.Invoke(i, jobs.Count, job, 1);
                continue;
            }
            // --resume starts afresh where no checkpoint was saved yet, and continues where one was.
            using var trainer = new Trainer(job.Options with { Resume = true });
            int steps = trainer.Hyperparameters.Int("steps");
            trainer.Run((step, _) => progress?.Invoke(i, jobs.Count, job, (double)step / steps));
        }
    }

    /// <summary>A misspelt domain fails now, not after the jobs before it have trained (or in every printed line).</summary>
    void RequireTestDomains()
    {
        var domains = DomainDataset.Open(Template.DataDir).Domains.Select(d => d.Name).ToList();
        if (TestDomains.Except(domains).ToList() is { Count: > 0 } unknown)
            throw new ArgumentException($"test domain {string.Join(", ", unknown.Select(d => $"'{d}'"))} is not in {Template.DataDir} (its domains: {string.Join(", ", domains)})");
    }
}
