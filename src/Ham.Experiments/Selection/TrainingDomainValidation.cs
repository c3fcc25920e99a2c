using Ham.Experiments.Reporting;

namespace Ham.Experiments.Selection;

/// <summary>
/// Training-domain validation (DomainBed's IIDAccuracySelectionMethod; the paper's protocol):
/// within a run, the delivered model's record with the best mean accuracy over the sources'
/// out-splits (the earliest step on a tie); across trials, the best of those. Reports the test
/// domain's in-split accuracy. For HAM, whose delivered model is the historical average, the run's
/// one candidate is that average at the end (<see cref="SelectionMethod"/>).
/// </summary>
public sealed class TrainingDomainValidation : SelectionMethod
{
    public override string Name => "training-domain validation";

    public override RunAccuracy? Select(RecordedRun run)
    {
        RunAccuracy? best = null;
        foreach (var record in run.Delivered)
            if (best is null || record.SourceValidation > best.Validation)
                best = new RunAccuracy(record.SourceValidation, record.TestIn);
        return best;
    }
}
