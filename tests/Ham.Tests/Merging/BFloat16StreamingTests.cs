using Ham.Merging;
using Ham.Torch;

namespace Ham.Tests.Merging;

/// <summary>
/// bfloat16 inputs are widened to float32 chunk by chunk (not converted whole by libtorch first):
/// every method merges bfloat16 models to the bits of merging the same models converted to
/// float32 by libtorch, cast back to bfloat16.
/// </summary>
public class BFloat16StreamingTests
{
    [Theory]
    [InlineData("rhm")]
    [InlineData("ties")]
    [InlineData("dare-ties")]
    [InlineData("task-arithmetic")]
    [InlineData("della")]
    public void A_bfloat16_merge_equals_the_float32_merge_cast_back(string method)
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(17);
        // More than one chunk (16384 entries), with a tail shorter than a vector.
        Dictionary<string, Tensor> Model(Tensor? from) => new()
        {
            ["layer.weight"] = (from is null ? Ham.Torch.Random.Normal([130, 131], generator) : from + Ham.Torch.Random.Normal([130, 131], generator) * 0.1).To(DType.BFloat16),
            ["layer.bias"] = Ham.Torch.Random.Normal([7], generator).To(DType.BFloat16),
        };
        var theta0 = Model(null);
        var models = Enumerable.Range(0, 3).Select(_ => (IReadOnlyDictionary<string, Tensor>)Model(theta0["layer.weight"].To(DType.Float32))).ToList();
        static Dictionary<string, Tensor> Float32(IReadOnlyDictionary<string, Tensor> state) => state.ToDictionary(p => p.Key, p => p.Value.To(DType.Float32));
        var options = new MergeOptions().With("seed", 2).DeclaredBy(method);

        var merged = ModelMerger.Merge(MergeMethod.Create(method, options), theta0, models);
        var reference = ModelMerger.Merge(MergeMethod.Create(method, options), Float32(theta0), models.Select(m => (IReadOnlyDictionary<string, Tensor>)Float32(m)).ToList());
        foreach (var (name, expected) in reference)
        {
            Assert.Equal(DType.BFloat16, merged[name].DType);
            Assert.True(expected.To(DType.BFloat16).Bytes.SequenceEqual(merged[name].Bytes), $"{method}: '{name}' differs");
        }
        Assert.False(merged["layer.weight"].Bytes.SequenceEqual(theta0["layer.weight"].Bytes));
    }
}
