namespace Ham.Merging.Parameters;

/// <summary>The declarations several methods share word for word (a method with its own default declares its own).</summary>
static class SharedParameters
{
    public static readonly NumberParameter Lambda = new("lambda", 1, double.NegativeInfinity, double.PositiveInfinity, "scale of the merged update");

    public static readonly NumberParameter Drop = new("drop", 0.9, 0, 0.999999, "DARE's drop probability of each update entry");

    public static readonly IntegerParameter Seed = new("seed", 0, "seed of the random drops");

    public static readonly ChoiceParameter<TrimScope> TrimScope = new("trim-scope", Merging.TrimScope.Model, "magnitude thresholds over the whole model (model) or per tensor (tensor)");

    public static readonly NumberListParameter Weights = new("weights", "per-model weights", "1 each");

    /// <summary>score, tsv, iso-c: scale of the merged update.</summary>
    public static readonly NumberParameter UpdateScale = new("alpha", 1, double.NegativeInfinity, double.PositiveInfinity, "scale of the merged update");
}
