using Ham.Merging;
using Ham.Merging.Methods;
using Ham.Torch;

namespace Ham.Tests.Merging;

/// <summary>
/// Thresholds as the merges compute them (<see cref="MagnitudeThresholds.Select"/>: two parallel
/// radix sweeps over the task vectors of every model at once) against a full sort and torch's
/// kthvalue of the concatenated magnitudes.
/// </summary>
public class MagnitudeSelectionTests
{
    /// <summary>Random values in several tensors, many ties (rounded to 1/8), -0.0 and tiny values.</summary>
    static float[] Values(System.Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = i % 11 == 0 ? -0.0f : MathF.Round((float)(random.NextDouble() * 8 - 4) * 8) / 8 * (i % 3 == 0 ? 1e-6f : 1f);
        return values;
    }

    /// <summary>Inputs with a zero base, so v_i = theta_i exactly (x - +0.0 = x, -0.0 included).</summary>
    static MergeInputs Inputs(IReadOnlyList<Dictionary<string, Tensor>> models) =>
        new(StateSource.Of(models[0].ToDictionary(p => p.Key, p => p.Value.ZerosLike()), "base"),
            models.Select((m, i) => StateSource.Of(m, $"model {i}")).ToList());

    /// <summary>Every rank of every model equals a full sort and kthvalue, in float32 and float64 models.</summary>
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(7, 2, false)]
    [InlineData(1000, 3, false)]
    [InlineData(50_000, 5, false)]
    [InlineData(40_000, 3, true)]
    public void EqualsAFullSortAndKthValue(int size, int tensors, bool float64)
    {
        using var scope = new DisposeScope();
        var random = new System.Random(size);
        var parts = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, tensors).Select(t => Values(random, size + t)).ToList()).ToList();
        // In float64, values that round to float32 differently from their float32 neighbours.
        var models = parts.Select(model => model.Select((p, t) => (Name: $"t{t}", Tensor: float64
            ? Tensor.FromArray(p.Select(x => x + (double)x * 1e-9).ToArray(), p.Length)
            : Tensor.FromArray(p, p.Length))).ToDictionary(x => x.Name, x => x.Tensor)).ToList();
        var inputs = Inputs(models);
        for (int m = 0; m < models.Count; m++)
        {
            var magnitudes = models[m].Values.Select(t => t.Abs().To(DType.Float32)).ToArray();
            var sorted = magnitudes.SelectMany(t => t.ToArray<float>()).Order().ToArray();
            using var all = Tensor.Cat(magnitudes);
            foreach (long rank in new long[] { 1, 2, sorted.Length / 5, sorted.Length / 2, sorted.Length - 1, sorted.Length }.Where(r => r >= 1 && r <= sorted.Length).Distinct())
            {
                float? selected = MagnitudeThresholds.Select(inputs, inputs.Names, _ => rank, leaveOutUnchanged: false)[m];
                Assert.Equal(sorted[rank - 1], selected);
                Assert.Equal(all.KthValue(rank).Values.Item(), (double)selected!.Value);
            }
        }
    }

    /// <summary>
    /// A tensor a model left as it was is not in that model's population, in both sweeps (its
    /// zeros would otherwise shift ranks inside bucket 0, which also holds the smallest
    /// subnormals); the other model still counts it.
    /// </summary>
    [Fact]
    public void UnchangedTensorsAreLeftOutOfTheirModelsPopulation()
    {
        using var scope = new DisposeScope();
        float tiny = float.Epsilon, tiny2 = BitConverter.UInt32BitsToSingle(2);
        var changed = Tensor.FromArray(new float[] { 0, tiny, -tiny2, 1, 2 }, 5);
        var inputs = Inputs([
            new() { ["a"] = changed, ["b"] = Tensor.Zeros([1000]) },
            new() { ["a"] = changed, ["b"] = Tensor.Ones([1000]) },
        ]);
        // Model 0 sorted: 0, tiny, tiny2, 1, 2 (b left out) or 1001 zeros first; model 1: 0, tiny, tiny2, 1 x 1001, 2 either way.
        Assert.Equal([tiny, tiny], MagnitudeThresholds.Select(inputs, inputs.Names, _ => 2, leaveOutUnchanged: true));
        Assert.Equal([0f, tiny], MagnitudeThresholds.Select(inputs, inputs.Names, _ => 2, leaveOutUnchanged: false));
    }

    [Fact]
    public void RankZeroSelectsNothingAndNaNIsAnError()
    {
        using var scope = new DisposeScope();
        var ones = Inputs([new() { ["x"] = Tensor.Ones([3]) }]);
        Assert.Equal([null], MagnitudeThresholds.Select(ones, ones.Names, _ => 0, leaveOutUnchanged: true));
        var nan = Inputs([new() { ["x"] = Tensor.Full([3], double.NaN) }]);
        Assert.Throws<ArgumentException>(() => MagnitudeThresholds.Select(nan, nan.Names, _ => 1, leaveOutUnchanged: true));
    }
}
