using Ham.Merging.Parameters;
using Ham.Torch;

namespace Ham.Merging.Methods;

/// <summary>
/// `della` (Deep, Bhardwaj and Gupta, 2024, "DELLA-Merging: Reducing Interference in Model
/// Merging through Magnitude-Based Sampling"):
/// 1. MagPrune: in each row of each task vector v_i (a 1-D tensor is one row of n entries) the
///    entries are ranked by magnitude, r = 0 (smallest) .. n - 1 (stable sort), and kept with
///    probability p_r = density - epsilon + 2 epsilon r / (n - 1) (density at n = 1), so the larger an
///    update the likelier it survives and the mean keep rate is density (default 0.7, epsilon
///    default 0.1); survivors are rescaled by 1 / p_r, which keeps the update unbiased. Entry j
///    is kept when u_j &lt; p_r, u uniform in [0, 1) from a generator seeded by (seed, model,
///    tensor name), so the drops do not depend on the order of the tensors.
/// 2. Elect: the sign of sum_i pruned v_i, per entry.
/// 3. Fuse: the mean of the pruned entries that agree with that sign (0 where none does), and
///    theta0 + lambda * that (lambda default 1).
/// </summary>
sealed class Della(MergeOptions options) : MergeMethod
{
    public override string Name => "della";

    static readonly NumberParameter DensityParameter = new("density", 0.7, 0, 1, "fraction of update entries kept");

    static readonly NumberParameter EpsilonParameter = new("epsilon", 0.1, 0, 1, "keep probabilities span density +- epsilon by magnitude rank");

    internal static readonly IReadOnlyList<MergeParameter> Declared = [DensityParameter, EpsilonParameter, SharedParameters.Lambda, SharedParameters.Seed];

    readonly long _seed = SharedParameters.Seed.Of(options);

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["density"] = DensityParameter.Describe(options, DensityParameter.Of(options)), ["epsilon"] = EpsilonParameter.Describe(options, EpsilonParameter.Of(options)),
        ["lambda"] = SharedParameters.Lambda.Describe(options, SharedParameters.Lambda.Of(options)), ["seed"] = _seed.ToString(),
    };

    /// <summary>density and epsilon of a tensor, checked so that every keep probability lies in (0, 1].</summary>
    static (double Density, double Epsilon) Rates(MergeOptions o)
    {
        double density = DensityParameter.Of(o), epsilon = EpsilonParameter.Of(o);
        if (!(epsilon >= 0 && density - epsilon > 0 && density + epsilon <= 1))
            throw new ArgumentException($"--epsilon must keep density - epsilon > 0 and density + epsilon <= 1, got density {density}, epsilon {epsilon}");
        return (density, epsilon);
    }

    public override void Prepare(MergeInputs inputs)
    {
        inputs.RequireBase(Name);
        foreach (string name in inputs.FloatNames) Rates(options.For(name));
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        var tensor = options.For(name);
        var (density, epsilon) = Rates(tensor);
        var deltas = inputs.ReadDeltas(name);
        var pruned = deltas.Select((v, i) => MagPrune(v, density, epsilon, Generator.DeriveSeed([_seed, i, .. name.Select(c => (long)c)]))).ToArray();
        var elected = pruned.Skip(1).Aggregate(pruned[0], (sum, v) => sum + v).Sign();
        Tensor? agreeing = null, count = null;
        foreach (var v in pruned)
        {
            var agrees = (v * elected).Gt(0).To(v.DType);
            agreeing = agreeing is null ? v * agrees : agreeing + v * agrees;
            count = count is null ? agrees : count + agrees;
        }
        return inputs.ReadBase(name) + agreeing! / count!.Clamp(min: 1) * SharedParameters.Lambda.Of(tensor);
    }

    /// <summary>Step 1 for one task vector: the rank-dependent keep, rescaled by 1 / p.</summary>
    static Tensor MagPrune(Tensor v, double density, double epsilon, ulong seed)
    {
        var rows = v.Dim < 2 ? v.Reshape(1, v.NumEl) : v.Reshape(v.Size(0), v.NumEl / v.Size(0));
        long n = rows.Size(1);
        var ranks = rows.Abs().Sort(1, stable: true).Indices.ArgSort(1).To(v.DType);
        var keep = n > 1 ? ranks * (2 * epsilon / (n - 1)) + (density - epsilon) : ranks.FullLike(density);
        using var generator = new Generator(seed);
        var kept = Ham.Torch.Random.Uniform(rows.Shape, generator, v.DType).Lt(keep).To(v.DType);
        return (rows * kept / keep).Reshape(v.Shape);
    }
}
