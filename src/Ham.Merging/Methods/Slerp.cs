using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `slerp`: spherical linear interpolation between two models, tensor by tensor (Shoemake,
/// SIGGRAPH 1985, "Animating rotation with quaternion curves"; as mergekit merges LLMs): with
/// a = theta_1, b = theta_2 and omega the angle between them, cos omega = &lt;a, b&gt; / (|a| |b|),
/// slerp(t) = sin((1 - t) omega) / sin omega * a + sin(t omega) / sin omega * b, t in [0, 1]
/// (default 0.5, per tensor allowed). Nearly parallel tensors (|cos omega| &gt; 0.9995, where
/// sin omega vanishes) and zero tensors take the linear (1 - t) a + t b. No base needed.
/// </summary>
sealed class Slerp(MergeOptions options) : MergeMethod
{
    /// <summary>Above this |cos omega| the interpolation is linear (mergekit's DOT_THRESHOLD).</summary>
    const double ParallelCosine = 0.9995;

    public override string Name => "slerp";

    internal static readonly NumberParameter TParameter = new("t", 0.5, 0, 1, "position between the two models");

    public override (int Min, int Max) ModelCount => (2, 2);

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["t"] = TParameter.Describe(options, T(options)) };

    static double T(MergeOptions o) => TParameter.Of(o);

    public override void Prepare(MergeInputs inputs)
    {
        foreach (string name in inputs.FloatNames) T(options.For(name));
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        double t = T(options.For(name));
        var (a, b) = (inputs.ReadModel(0, name), inputs.ReadModel(1, name));
        var (wideA, wideB) = (a.To(DType.Float64), b.To(DType.Float64));
        double normA = wideA.Norm().Item(), normB = wideB.Norm().Item();
        double cosine = normA > 0 && normB > 0 ? (wideA * wideB).Sum().Item() / (normA * normB) : 1;
        if (Math.Abs(cosine) > ParallelCosine) return a * (1 - t) + b * t;
        double omega = Math.Acos(cosine), sine = Math.Sin(omega);
        return a * (Math.Sin((1 - t) * omega) / sine) + b * (Math.Sin(t * omega) / sine);
    }
}
