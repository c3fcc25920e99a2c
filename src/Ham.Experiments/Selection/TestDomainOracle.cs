using Ham.Experiments.Reporting;

namespace Ham.Experiments.Selection;

/// <summary>
/// Test-domain validation, the oracle (DomainBed's OracleSelectionMethod): no early stopping, each
/// run's last record of its delivered model (the historical average or the final weights at the
/// last step); across trials, the one with the best test-domain out-split accuracy. Reports the
/// test domain's in-split accuracy. An upper bound: it looks at the test domain.
/// </summary>
public sealed class TestDomainOracle : SelectionMethod
{
    public override string Name => "test-domain validation (oracle)";

    public override RunAccuracy? Select(RecordedRun run) =>
        run.Delivered.LastOrDefault() is { } last ? new RunAccuracy(last.TestOut, last.TestIn) : null;
}
