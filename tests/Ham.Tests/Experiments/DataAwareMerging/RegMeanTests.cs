using Ham.Experiments.DataAwareMerging;
using Ham.Merging;
using Ham.Tests.Merging;
using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Tests.Experiments.DataAwareMerging;

public class RegMeanTests
{
    // Two models of y = x W^T (in 2, out 1), each fitting its own data exactly:
    // X1 = [[1, 0], [0, 1]], y1 = [1, 2] -> W1 = [1, 2], G1 = I;
    // X2 = [[2, 0], [1, 1]], y2 = [2, 5] -> W2 = [1, 4], G2 = [[5, 1], [1, 1]].
    // Least squares on the pooled rows: (G1 + G2) w = X^T y = [10, 7], G1 + G2 = [[6, 1], [1, 2]],
    // det 11, w = [[2, -1], [-1, 6]] [10, 7] / 11 = [13, 32] / 11.
    static readonly float[] X1 = [1, 0, 0, 1], X2 = [2, 0, 1, 1];
    static readonly float[] W1 = [1, 2], W2 = [1, 4];

    static Tensor GramOf(float[] x)
    {
        using var generator = new Generator(0);
        using var layer = new Linear(2, 1, generator);
        using var collector = new LinearInputGrams(layer);
        using (LibTorch.NoGrad()) layer.Forward(Tensor.FromArray(x, 2, 2));
        return collector.Grams["weight"];
    }

    [Fact]
    public void Gram_of_a_linear_layer_is_X_transpose_X_of_its_inputs()
    {
        MergeFixtures.Equal([5, 1, 1, 1], GramOf(X2));
    }

    [Fact]
    public void Alpha_one_is_the_least_squares_fit_of_the_pooled_data()
    {
        var merged = RegMean.Solve([Tensor.FromArray(W1, 1, 2), Tensor.FromArray(W2, 1, 2)], [GramOf(X1), GramOf(X2)], alpha: 1);
        MergeFixtures.Equal([13f / 11, 32f / 11], merged, 1e-6f);
    }

    [Fact]
    public void Alpha_scales_the_off_diagonals()
    {
        // alpha 0.5: G2' = [[5, 0.5], [0.5, 1]], sum [[6, 0.5], [0.5, 2]] (det 11.75), right side
        // W1 G1 + W2 G2' = [1, 2] + [7, 4.5] = [8, 6.5]: w = [2*8 - 0.5*6.5, -0.5*8 + 6*6.5] / 11.75.
        var merged = RegMean.Solve([Tensor.FromArray(W1, 1, 2), Tensor.FromArray(W2, 1, 2)], [GramOf(X1), GramOf(X2)], alpha: 0.5);
        MergeFixtures.Equal([12.75f / 11.75f, 35f / 11.75f], merged, 1e-6f);
    }

    [Fact]
    public void An_input_feature_no_data_activates_takes_the_mean_column()
    {
        // Feature 1 is zero in both models' inputs: G = [[g, 0], [0, 0]]. Column 0 is the
        // G-weighted mean of the models' column 0 ((2 * 1 + 6 * 3) / 8), column 1 the plain mean.
        var g1 = Tensor.FromArray(new double[] { 2, 0, 0, 0 }, 2, 2);
        var g2 = Tensor.FromArray(new double[] { 6, 0, 0, 0 }, 2, 2);
        var merged = RegMean.Solve([Tensor.FromArray(new float[] { 1, 4 }, 1, 2), Tensor.FromArray(new float[] { 3, 8 }, 1, 2)], [g1, g2], alpha: 0.9);
        MergeFixtures.Equal([2.5f, 6], merged, 1e-6f);
    }

    [Fact]
    public void Identical_grams_give_the_mean_and_other_tensors_are_averaged()
    {
        var gram = Tensor.FromArray(new double[] { 4, 1, 1, 3 }, 2, 2);
        var grams = new IReadOnlyDictionary<string, Tensor>[] { new Dictionary<string, Tensor> { ["w"] = gram }, new Dictionary<string, Tensor> { ["w"] = gram } };
        var a = new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2), ["b"] = Tensor.FromArray(new float[] { 1, 5 }, 2) };
        var b = new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 3, -2, 1, 0 }, 2, 2), ["b"] = Tensor.FromArray(new float[] { 3, 1 }, 2) };
        var merged = ModelMerger.Merge(new RegMean(grams, RegMean.DefaultAlpha), null, [a, b]);
        MergeFixtures.Equal([2, 0, 2, 2], merged["w"], 1e-6f);
        MergeFixtures.Equal([2, 3], merged["b"]);
    }

    [Fact]
    public void A_gram_for_a_tensor_the_models_lack_is_an_error()
    {
        var grams = new IReadOnlyDictionary<string, Tensor>[] { new Dictionary<string, Tensor> { ["missing.weight"] = Tensor.Eye(2, DType.Float64) } };
        var a = new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2) };
        var error = Assert.Throws<ArgumentException>(() => ModelMerger.Merge(new RegMean(grams, 0.9), null, [a]));
        Assert.Contains("missing.weight", error.Message);
    }
}
