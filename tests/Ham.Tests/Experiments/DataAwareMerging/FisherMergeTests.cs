using Ham.Experiments.DataAwareMerging;
using Ham.Merging;
using Ham.Tests.Merging;
using Ham.Torch;
using Ham.Torch.Modules;
using Ham.Training.Backbones;

namespace Ham.Tests.Experiments.DataAwareMerging;

public class FisherMergeTests
{
    static IReadOnlyDictionary<string, Tensor> Fisher(params float[] w) => new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(w, 3) };

    static readonly Dictionary<string, Tensor> A = new() { ["w"] = Tensor.FromArray(new float[] { 1, 2, 3 }, 3), ["b"] = Tensor.FromArray(new float[] { 0, 4 }, 2) };
    static readonly Dictionary<string, Tensor> B = new() { ["w"] = Tensor.FromArray(new float[] { 5, -2, 0 }, 3), ["b"] = Tensor.FromArray(new float[] { 2, 2 }, 2) };

    [Fact]
    public void Equal_fishers_give_the_mean()
    {
        var merged = ModelMerger.Merge(new FisherMerge([Fisher(0.5f, 2, 7), Fisher(0.5f, 2, 7)]), null, [A, B]);
        MergeFixtures.Equal([3, 0, 1.5f], merged["w"]);
        MergeFixtures.Equal([1, 3], merged["b"]);
    }

    [Fact]
    public void A_parameter_with_zero_fisher_takes_the_other_models_value_and_weights_are_proportional()
    {
        // w[0]: F = (0, 2) -> B's 5; w[1]: F = (3, 0) -> A's 2; w[2]: F = (1, 3) -> (3 + 0) / 4.
        var merged = ModelMerger.Merge(new FisherMerge([Fisher(0, 3, 1), Fisher(2, 0, 3)]), null, [A, B]);
        MergeFixtures.Equal([5, 2, 0.75f], merged["w"], 1e-6f);
    }

    /// <summary>Features = the input; logits = a linear head (2 in, 3 classes).</summary>
    sealed class LinearClassifier : ClassifierModel
    {
        public LinearClassifier(float[] weight)
        {
            using var generator = new Generator(0);
            Head = RegisterModule("head", new Linear(2, 3, generator, bias: false));
            using (LibTorch.NoGrad()) Head.Weight.Copy_(Tensor.FromArray(weight, 3, 2));
        }

        public Linear Head { get; }

        public override Tensor Features(Tensor images) => images;

        public override Tensor Logits(Tensor features) => Head.Forward(features);
    }

    [Fact]
    public void Diagonal_fisher_is_the_mean_squared_gradient_of_the_predicted_class_log_probability()
    {
        // For logits W x, d log p(y | x) / dW = (e_y - p) x^T; y = argmax p (the prediction).
        float[] weight = [1, 0, 0, 1, -1, 0.5f];
        float[][] inputs = [[1, 2], [0.5f, -1], [-2, 0.25f]];
        var expected = new double[6];
        foreach (var x in inputs)
        {
            var logits = Enumerable.Range(0, 3).Select(k => (double)weight[2 * k] * x[0] + weight[2 * k + 1] * x[1]).ToArray();
            double max = logits.Max(), z = logits.Sum(l => Math.Exp(l - max));
            var p = logits.Select(l => Math.Exp(l - max) / z).ToArray();
            int y = Array.IndexOf(logits, max);
            for (int k = 0; k < 3; k++)
                for (int d = 0; d < 2; d++)
                    expected[2 * k + d] += Math.Pow(((k == y ? 1 : 0) - p[k]) * x[d], 2) / inputs.Length;
        }
        using var model = new LinearClassifier(weight);
        var batches = new[] { Tensor.FromArray(inputs[0].Concat(inputs[1]).ToArray(), 2, 2), Tensor.FromArray(inputs[2], 1, 2) };
        var fisher = DiagonalFisher.Of(model, batches);
        MergeFixtures.Equal(expected.Select(v => (float)v).ToArray(), fisher["head.weight"], 1e-6f);
    }
}
