using Ham.Merging;
using Ham.Torch;

namespace Ham.Tests.Merging;

/// <summary>Small state dicts for merge tests, as plain arrays so expected values can be computed by hand.</summary>
static class MergeFixtures
{
    /// <summary>Those of the options that <paramref name="method"/> declares (methods refuse the others): one set of options for tests over every method.</summary>
    public static MergeOptions DeclaredBy(this MergeOptions options, string method)
    {
        var declaration = MergeMethod.Declaration(method);
        return options with { Values = options.Values.Where(v => declaration.Find(v.Key) is not null).ToDictionary() };
    }

    /// <summary>A state dict of float32 tensors "w" (2x3) and "b" (3) plus an int64 counter "steps".</summary>
    public static Dictionary<string, Tensor> State(float[] w, float[] b, long steps = 0) => new()
    {
        ["w"] = Tensor.FromArray(w, 2, 3),
        ["b"] = Tensor.FromArray(b, 3),
        ["steps"] = Tensor.FromArray(new[] { steps }, 1),
    };

    public static float[] Values(Tensor t) => t.To(DType.Float32).ToArray<float>();

    public static void Equal(float[] expected, Tensor actual, float tolerance = 1e-6f)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"[{i}]: expected {expected[i]}, got {values[i]}");
    }
}
