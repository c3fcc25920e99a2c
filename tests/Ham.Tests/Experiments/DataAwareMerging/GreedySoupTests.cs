using Ham.Experiments.DataAwareMerging;
using Ham.Torch;

namespace Ham.Tests.Experiments.DataAwareMerging;

public class GreedySoupTests
{
    // Validation set of a 2-class linear classifier "w" (2 classes x 2 inputs): class = argmax x w^T.
    static readonly float[][] Points = [[1, 0.2f], [0.1f, 1], [0.8f, -0.3f], [-0.2f, 0.9f], [0.6f, 0.5f], [0.4f, 0.7f]];
    static readonly int[] Labels = [0, 1, 0, 1, 0, 1];

    static double Accuracy(IReadOnlyDictionary<string, Tensor> state)
    {
        var w = state["w"].ToArray<float>();
        int correct = 0;
        for (int i = 0; i < Points.Length; i++)
        {
            float score0 = w[0] * Points[i][0] + w[1] * Points[i][1], score1 = w[2] * Points[i][0] + w[3] * Points[i][1];
            if ((score1 > score0 ? 1 : 0) == Labels[i]) correct++;
        }
        return (double)correct / Points.Length;
    }

    static IReadOnlyDictionary<string, Tensor> State(Tensor w) => new Dictionary<string, Tensor> { ["w"] = w };

    [Fact]
    public void A_model_of_noise_is_left_out_and_the_best_model_starts_the_soup()
    {
        using var generator = new Generator(3);
        var noise = Ham.Torch.Random.Normal([2, 2], generator) * 10;
        var states = new[]
        {
            State(Tensor.FromArray(new float[] { 1, 0, 0, 0.5f }, 2, 2)),   // 5/6: (0.4, 0.7) scores 0.4 against 0.35
            State(noise),
            State(Tensor.FromArray(new float[] { 1.2f, 0, 0, 1 }, 2, 2)),   // 6/6; with model 0: [[1.1, 0], [0, 0.75]], 6/6
        };
        Assert.True(Accuracy(states[1]) < Accuracy(states[0]), "the noise model must score below the good ones for this test to mean anything");
        var (chosen, accuracies) = GreedySoup.Select(states, Accuracy);
        Assert.DoesNotContain(1, chosen);
        Assert.Equal([2, 0], chosen);
        Assert.Equal([1.0, 1.0], accuracies);
    }
}
