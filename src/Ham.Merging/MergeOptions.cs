namespace Ham.Merging;

/// <summary>Whether a magnitude threshold is taken over the whole model or per tensor.</summary>
public enum TrimScope { Model, Tensor }

/// <summary>
/// The options of every method; each method reads the ones it uses (see its class). Null means
/// the method's own default.
/// </summary>
public sealed record MergeOptions
{
    /// <summary>rhm: fraction of update entries dropped by magnitude (default 0.2).</summary>
    public double? Trim { get; init; }

    /// <summary>ties (default 0.2), breadcrumbs (0.1), della (0.7): fraction of update entries kept.</summary>
    public double? Density { get; init; }

    /// <summary>task-arithmetic (default 1/N), ties (default 1): scale of the merged update.</summary>
    public double? Lambda { get; init; }

    /// <summary>dare-ta, dare-ties: drop probability of each update entry (default 0.9).</summary>
    public double? Drop { get; init; }

    /// <summary>wise-ft (default 0.5), score, tsv, iso-c (default 1): interpolation or update scale.</summary>
    public double? Alpha { get; init; }

    /// <summary>trajectory: Beta(beta, beta) weights (default 0.5).</summary>
    public double? Beta { get; init; }

    /// <summary>slerp: interpolation position between the two models (default 0.5).</summary>
    public double? T { get; init; }

    /// <summary>breadcrumbs: fraction of the largest update magnitudes dropped per tensor (default 0.01).</summary>
    public double? Gamma { get; init; }

    /// <summary>della: half-width of the keep probabilities around the density (default 0.1).</summary>
    public double? Epsilon { get; init; }

    public TrimScope TrimScope { get; init; } = TrimScope.Model;

    /// <summary>dare-*, della: seed of the random drops.</summary>
    public long Seed { get; init; }

    /// <summary>average: per-model weights (normalized to sum 1); null for a uniform soup.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>Names absent from some input take the base's values instead of being an error.</summary>
    public bool AllowMissing { get; init; }

    /// <summary>Per-tensor rules by parameter name ("density", ...), over the scalar of the same name.</summary>
    public IReadOnlyDictionary<string, TensorSetting> PerTensor { get; init; } = new Dictionary<string, TensorSetting>();

    /// <summary>Per-model weights that may differ per tensor (a model's tensor no rule matches weighs 1); overrides <see cref="Weights"/>.</summary>
    public IReadOnlyList<TensorSetting>? ModelWeights { get; init; }

    /// <summary>Every rule of the per-tensor settings, with the parameter it belongs to.</summary>
    public IEnumerable<(string Parameter, TensorRule Rule)> Rules =>
        PerTensor.SelectMany(p => p.Value.Rules.Select(r => (p.Key, r)))
            .Concat((ModelWeights ?? []).SelectMany((w, i) => w.Rules.Select(r => ($"weight of model {i + 1}", r))));

    /// <summary>
    /// The options as they apply to tensor <paramref name="tensor"/>: every per-tensor rule that
    /// matches it replaces the scalar, and per-model weights become <see cref="Weights"/>.
    /// </summary>
    public MergeOptions For(string tensor)
    {
        if (PerTensor.Count == 0 && ModelWeights is null) return this;
        double? Value(string name, double? scalar) => PerTensor.TryGetValue(name, out var setting) ? setting.ValueFor(tensor) ?? scalar : scalar;
        return this with
        {
            Trim = Value("trim", Trim), Density = Value("density", Density), Lambda = Value("lambda", Lambda), Drop = Value("drop", Drop),
            Alpha = Value("alpha", Alpha), Beta = Value("beta", Beta), T = Value("t", T), Gamma = Value("gamma", Gamma), Epsilon = Value("epsilon", Epsilon),
            Weights = ModelWeights?.Select(w => w.ValueFor(tensor) ?? 1).ToList() ?? Weights,
            PerTensor = new Dictionary<string, TensorSetting>(), ModelWeights = null,
        };
    }

    /// <summary>
    /// A parameter's value for metadata: the scalar, or the per-tensor rules followed by the
    /// default that tensors no rule matches take.
    /// </summary>
    internal string Describe(string parameter, double value) => PerTensor.TryGetValue(parameter, out var setting)
        ? setting.Rules.Any(r => r.Filter is null) ? setting.ToString() : $"{setting}; {value:R}"
        : value.ToString("R");

    internal static double InRange(double value, double low, double high, string option) =>
        value >= low && value <= high ? value : throw new ArgumentException($"{option} must be in [{low}, {high}], got {value}");
}
