using System.Text.Json.Nodes;
using Ham.Torch;

namespace Ham.Tests.Experiments;

/// <summary>Data/tsne_reference.json (made by Data/make_tsne_reference.py with scikit-learn 1.2.1): the points and what sklearn's exact t-SNE makes of them.</summary>
sealed class TsneReference
{
    public static TsneReference Load() => new(JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Experiments", "Data", "tsne_reference.json")))!);

    TsneReference(JsonNode json)
    {
        Points = json["points"]!.AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();
        Labels = json["labels"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        JointCondensed = json["joint_p"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Perplexity = json["perplexity"]!.GetValue<double>();
        Iterations = json["iterations"]!.GetValue<int>();
        KlRandomSeeds = json["kl_random_seeds"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
    }

    public double[][] Points { get; }
    public int[] Labels { get; }
    /// <summary>sklearn's P in condensed form: p_ij for i &lt; j, row by row.</summary>
    public double[] JointCondensed { get; }
    public double Perplexity { get; }
    public int Iterations { get; }
    /// <summary>sklearn's final KL with init "random" for random_state 0..19.</summary>
    public double[] KlRandomSeeds { get; }

    /// <summary>The points as an (N, D) float64 tensor; the caller owns it.</summary>
    public Tensor Features() => Tensor.FromArray(Points.SelectMany(r => r).ToArray(), Points.Length, Points[0].Length);
}
