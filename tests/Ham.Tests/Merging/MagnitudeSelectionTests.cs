using Ham.Merging;
using Ham.Torch;

namespace Ham.Tests.Merging;

public class MagnitudeSelectionTests
{
    /// <summary>Random magnitudes in several tensors, many ties (values rounded to 1/8) and zeros
    /// from -0.0: every rank equals a full sort of the concatenation and torch's kthvalue.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(1000, 3)]
    [InlineData(50_000, 5)]
    public void EqualsAFullSortAndKthValue(int size, int tensors)
    {
        using var scope = new DisposeScope();
        var random = new System.Random(size);
        var parts = Enumerable.Range(0, tensors).Select(t =>
        {
            var values = new float[size + t];
            for (int i = 0; i < values.Length; i++)
                values[i] = i % 11 == 0 ? -0.0f : MathF.Round((float)(random.NextDouble() * 8 - 4) * 8) / 8 * (i % 3 == 0 ? 1e-6f : 1f);
            return values;
        }).ToList();
        var sorted = parts.SelectMany(p => p.Select(MathF.Abs)).Order().ToArray();
        using var all = Tensor.Cat(parts.Select(p => Tensor.FromArray(p, p.Length)).ToArray()).Abs();
        foreach (long rank in new long[] { 1, 2, sorted.Length / 5, sorted.Length / 2, sorted.Length - 1, sorted.Length }.Where(r => r >= 1 && r <= sorted.Length).Distinct())
        {
            float? selected = MagnitudeSelection.KthSmallest(() => parts.Select(p => Tensor.FromArray(p, p.Length).Abs().DetachFromScope()), _ => rank);
            Assert.Equal(sorted[rank - 1], selected);
            Assert.Equal(all.KthValue(rank).Values.Item(), (double)selected!.Value);
        }
    }

    [Fact]
    public void RankZeroSelectsNothingAndNaNIsAnError()
    {
        Assert.Null(MagnitudeSelection.KthSmallest(() => [Tensor.Ones([3]).DetachFromScope()], _ => 0));
        Assert.Throws<ArgumentException>(() => MagnitudeSelection.KthSmallest(() => [Tensor.Full([3], double.NaN).DetachFromScope()], _ => 1));
    }
}
