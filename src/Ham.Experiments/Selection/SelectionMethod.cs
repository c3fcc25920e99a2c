using Ham.Experiments.Reporting;

namespace Ham.Experiments.Selection;

/// <summary>What a selection method makes of one run: the accuracy it selects by and the test accuracy it reports.</summary>
public sealed record RunAccuracy(double Validation, double Test);

/// <summary>
/// A model-selection method (DomainBed's model_selection.py): how one run's records give a
/// (validation, test) pair, and across a (variant, test domain, trial seed)'s hyperparameter
/// trials the reported test accuracy is the one of the trial with the best validation accuracy
/// (DomainBed's sweep_acc; ties go to the lower hparams_seed).
///
/// Which records are a run's candidates: the records of the model the run delivers
/// (<see cref="EvaluationRecord.Delivered"/>). DomainBed's runs deliver their weights at some
/// step, so every evaluation is a checkpoint to select. An algorithm that delivers its final
/// weights here is the same: its candidates are the current weights at every evaluation (step 0
/// included, as DomainBed evaluates it) and at the end. HAM (and CLIPood) deliver the historical
/// (Beta-weighted) average of the whole run, which exists only at the end (its weights depend on
/// the step count), so such a run has one candidate, the average at the last step, and selection
/// picks among hyperparameter trials only. The current-weight records of such a run (the paper's
/// "best-validation model", its Table 5) are kept in results.jsonl but are not the method's model.
///
/// Leave-one-domain-out cross-validation (DomainBed's third method) needs runs trained with two
/// test domains held out (the second one scored as validation); Ham's runs hold one out, so the
/// method is not offered.
/// </summary>
public abstract class SelectionMethod
{
    /// <summary>As tables title it.</summary>
    public abstract string Name { get; }

    /// <summary>The run's (validation, test) pair, or null when it has no record to select.</summary>
    public abstract RunAccuracy? Select(RecordedRun run);

    /// <summary>The methods `ham report` tables, in order.</summary>
    public static IReadOnlyList<SelectionMethod> All { get; } = [new TrainingDomainValidation(), new TestDomainOracle()];

    /// <summary>The trial with the best validation accuracy among <paramref name="trials"/> (one run per hparams_seed) and its pair; null when none has a record.</summary>
    public (RecordedRun Trial, RunAccuracy Accuracy)? Best(IEnumerable<RecordedRun> trials)
    {
        (RecordedRun, RunAccuracy)? best = null;
        foreach (var trial in trials.OrderBy(t => t.HparamsSeed))
            if (Select(trial) is { } accuracy && (best is null || accuracy.Validation > best.Value.Item2.Validation))
                best = (trial, accuracy);
        return best;
    }

    /// <summary>The reported test accuracy of <see cref="Best"/>.</summary>
    public double? AcrossTrials(IEnumerable<RecordedRun> trials) => Best(trials)?.Accuracy.Test;
}
