namespace Ham.Experiments;

/// <summary>One row of a sweep: an algorithm with some hyperparameters fixed, under a label.</summary>
public sealed record SweepVariant(string Label, string Algorithm, IReadOnlyDictionary<string, string> Hyperparameters);
