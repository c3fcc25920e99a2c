using Ham.Torch;

namespace Ham.Experiments.Tsne;

/// <summary>One image a feature vector came from: its domain, its class and its file.</summary>
public sealed record LabelledPoint(string Domain, string Class, string Path);

/// <summary>
/// The features of labelled images under one model, row i of the (N, D) <see cref="Values"/>
/// (row-major) belonging to <see cref="Points"/>[i]: what `ham tsne` embeds and colours.
/// </summary>
public sealed record FeatureSet(string Model, IReadOnlyList<LabelledPoint> Points, float[] Values, int Dimension)
{
    /// <summary>The features as an (N, D) float32 CPU tensor; the caller owns it.</summary>
    public Tensor ToTensor() => Tensor.FromArray(Values, Points.Count, Dimension);
}
