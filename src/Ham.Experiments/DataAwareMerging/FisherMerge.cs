using System.Globalization;
using Ham.Merging;
using Ham.Torch;

namespace Ham.Experiments.DataAwareMerging;

/// <summary>
/// `fisher` (Matena and Raffel, NeurIPS 2022, "Merging Models with Fisher-Weighted Averaging"):
/// per parameter, theta = sum_i (F_i + eps) theta_i / sum_i (F_i + eps), F_i the diagonal Fisher
/// of model i on its own data (<see cref="DiagonalFisher"/>). eps keeps parameters no model's
/// Fisher sees (frozen ones) at the plain mean. Tensors without a Fisher are the plain mean. No base.
/// </summary>
public sealed class FisherMerge(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> fishers, double epsilon = FisherMerge.DefaultEpsilon) : MergeMethod
{
    public const double DefaultEpsilon = 1e-8;

    public override string Name => "fisher";

    /// <summary>The tensors with a Fisher (the models' trainable parameters).</summary>
    public IEnumerable<string> Tensors => fishers[0].Keys;

    public override (int Min, int Max) ModelCount => (fishers.Count, fishers.Count);

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["epsilon"] = epsilon.ToString("R", CultureInfo.InvariantCulture),
        ["fisher_tensors"] = fishers[0].Count.ToString(CultureInfo.InvariantCulture),
    };

    public override void Prepare(MergeInputs inputs)
    {
        foreach (string name in fishers[0].Keys)
        {
            if (!inputs.Names.Contains(name)) throw new ArgumentException($"fisher: the models have no tensor '{name}' for its Fisher");
            if (fishers.Any(f => !f.ContainsKey(name))) throw new ArgumentException($"fisher: some model has no Fisher for '{name}'");
        }
    }

    public override Tensor Merge(MergeInputs inputs, string name)
    {
        if (!fishers[0].ContainsKey(name)) return Uniform.Merge(inputs, name);
        var weights = inputs.ReadModels(name);
        Tensor? numerator = null, denominator = null;
        for (int i = 0; i < weights.Length; i++)
        {
            var f = fishers[i][name].To(DType.Float64) + epsilon;
            if (!f.Shape.SequenceEqual(weights[i].Shape))
                throw new ArgumentException($"fisher: the Fisher of '{name}' has shape [{string.Join(", ", f.Shape)}], the tensor [{string.Join(", ", weights[i].Shape)}]");
            var term = f * weights[i].To(DType.Float64);
            numerator = numerator is null ? term : numerator + term;
            denominator = denominator is null ? f : denominator + f;
        }
        return (numerator! / denominator!).To(weights[0].DType);
    }

    /// <summary>The tensors without a Fisher: the uniform soup.</summary>
    static readonly MergeMethod Uniform = MergeMethod.Create("average", new MergeOptions());
}
