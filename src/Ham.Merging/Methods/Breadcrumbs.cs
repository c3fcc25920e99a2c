using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `breadcrumbs` (Davari and Belilovsky, ECCV 2024, "Model Breadcrumbs: Scaling Multi-Task Model
/// Merging with Sparse Masks"): each task vector v_i is masked per tensor, dropping its largest
/// `gamma` fraction of magnitudes (outliers, default 0.01) and then its smallest, so that
/// `density` of the entries are kept (default 0.1): with the n magnitudes stably sorted
/// ascending, the kept ranks are [n - keep - top, n - top), keep = int(density n),
/// top = int(gamma n) (top shrinks when keep + top &gt; n). The merge is task arithmetic on the
/// masked vectors, theta0 + lambda * sum_i w_i m_i v_i (lambda default 1, weights default 1).
/// </summary>
sealed class Breadcrumbs(MergeOptions options) : MergeMethod
{
    public override string Name => "breadcrumbs";

    static readonly NumberParameter DensityParameter = new("density", 0.1, 0, 1, "fraction of update entries kept");

    static readonly NumberParameter GammaParameter = new("gamma", 0.01, 0, 1, "fraction of the largest update magnitudes dropped per tensor");

    internal static readonly IReadOnlyList<MergeParameter> Declared = [DensityParameter, GammaParameter, SharedParameters.Lambda, SharedParameters.Weights];

    public override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = Average.WeightSettings(options);
            settings["density"] = DensityParameter.Describe(options, Density(options));
            settings["gamma"] = GammaParameter.Describe(options, Gamma(options));
            settings["lambda"] = SharedParameters.Lambda.Describe(options, SharedParameters.Lambda.Of(options));
            return settings;
        }
    }

    static double Density(MergeOptions o) => DensityParameter.Of(o);

    static double Gamma(MergeOptions o) => GammaParameter.Of(o);

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        foreach (string name in inputs.FloatNames)
        {
            var tensor = options.For(name);
            Density(tensor); // checks each tensor's values
            Gamma(tensor);
            SharedParameters.Lambda.Of(tensor);
            if (SharedParameters.Weights.Of(tensor) is { } w && w.Count != inputs.Models.Count)
                throw new ArgumentException($"--weights: expected {inputs.Models.Count} weights, got [{string.Join(", ", w)}] (for '{name}')");
        }
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var tensor = options.For(name);
        double density = Density(tensor), gamma = Gamma(tensor);
        var weights = SharedParameters.Weights.Of(tensor);
        var deltas = inputs.ReadDeltas(name);
        Tensor? sum = null;
        for (int i = 0; i < deltas.Length; i++)
        {
            var kept = deltas[i] * Mask(deltas[i], density, gamma);
            if (weights is { } w) kept = kept * w[i];
            sum = sum is null ? kept : sum + kept;
        }
        return inputs.ReadBase(name) + sum! * SharedParameters.Lambda.Of(tensor);
    }

    /// <summary>1 at the kept ranks of |v|, 0 elsewhere, in v's shape and dtype.</summary>
    static Tensor Mask(Tensor v, double density, double gamma)
    {
        long n = v.NumEl, keep = (long)(density * n), top = (long)(gamma * n);
        top = Math.Min(top, n - keep);
        var order = v.Abs().Flatten().Sort(0, stable: true).Indices.Narrow(0, n - keep - top, keep);
        return Tensor.Zeros([n], v.DType).Scatter(0, order, Tensor.Ones([keep], v.DType)).Reshape(v.Shape);
    }
}
