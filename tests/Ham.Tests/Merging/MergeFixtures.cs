using Ham.Torch;

namespace Ham.Tests.Merging;

/// <summary>Small state dicts for merge tests, as plain arrays so expected values can be computed by hand.</summary>
static class MergeFixtures
{
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
