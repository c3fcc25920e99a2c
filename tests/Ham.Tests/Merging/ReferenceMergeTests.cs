using Ham.Merging;
using Ham.Torch;

namespace Ham.Tests.Merging;

/// <summary>
/// rhm and ties, which go through the values in C#, against a straightforward libtorch reference
/// on small random state dicts, bit for bit: per model, the magnitudes of all changed tensors
/// concatenated and kthvalue'd; masks, sign election and means as whole-tensor operations (as
/// the TIES reference code does). The state dicts hold float32, float16 and float64 tensors, a
/// frozen tensor, a tensor one model left alone, many equal magnitudes, -0.0 and updates that
/// cancel exactly (elected sums of 0).
/// </summary>
public class ReferenceMergeTests
{
    static readonly float[] Steps = [-2, -1, -0.5f, -0.25f, 0, 0.25f, 0.5f, 1, 2, 3];

    /// <summary>theta0 and N models; <paramref name="bias"/> shifts the updates' sign (to steer the majority sign).</summary>
    static (Dictionary<string, Tensor> Base, List<IReadOnlyDictionary<string, Tensor>> Models) States(int models, int bias, int seed)
    {
        var random = new System.Random(seed);
        float Update() => Steps[Math.Clamp(random.Next(Steps.Length) + bias, 0, Steps.Length - 1)] * (random.Next(4) == 0 ? 1e-3f : 1f);
        float[] Initial(int n) => Enumerable.Range(0, n).Select(i => i % 7 == 0 ? -0.0f : MathF.Round((float)random.NextDouble() * 64) / 16 - 2).ToArray();
        var w = Initial(91);
        var b = Initial(300);
        var h = Initial(12);
        var d = Initial(16);
        var frozen = Initial(5);
        var theta0 = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.FromArray(w, 7, 13), ["b"] = Tensor.FromArray(b, 300), ["h"] = Tensor.FromArray(h, 12).To(DType.Float16),
            ["d"] = Tensor.FromArray(d.Select(x => (double)x).ToArray(), 4, 4), ["frozen"] = Tensor.FromArray(frozen, 5),
            ["left"] = Tensor.FromArray(Initial(9), 9), ["steps"] = Tensor.FromArray(new long[] { 3 }, 1),
        };
        var list = new List<IReadOnlyDictionary<string, Tensor>>();
        for (int m = 0; m < models; m++)
        {
            var state = new Dictionary<string, Tensor>
            {
                ["w"] = Tensor.FromArray(w.Select(x => x + Update()).ToArray(), 7, 13),
                ["b"] = Tensor.FromArray(b.Select(x => x + Update()).ToArray(), 300),
                ["h"] = Tensor.FromArray(h.Select(x => x + Update()).ToArray(), 12).To(DType.Float16),
                ["d"] = Tensor.FromArray(d.Select(x => x + (double)Update() / 3).ToArray(), 4, 4),
                ["frozen"] = Tensor.FromArray(frozen, 5),
                ["left"] = m == 0 ? theta0["left"].Clone() : theta0["left"] + Tensor.FromArray(Enumerable.Range(0, 9).Select(_ => Update()).ToArray(), 9),
                ["steps"] = Tensor.FromArray(new long[] { 10 + m }, 1),
            };
            list.Add(state);
        }
        return (theta0, list);
    }

    [Theory]
    [InlineData(2, 0.2, 0, 1)]
    [InlineData(3, 0.5, 0, 2)]
    [InlineData(5, 0.9, 2, 3)]
    [InlineData(3, 0.0, 0, 4)]
    [InlineData(4, 0.2, -3, 5)]
    public void RhmEqualsTheReferenceBitForBit(int models, double trim, int bias, int seed)
    {
        using var scope = new DisposeScope();
        var (theta0, states) = States(models, bias, seed);
        foreach (var scopeOption in new[] { TrimScope.Model, TrimScope.Tensor })
        {
            var options = new MergeOptions().With("trim", trim).With("trim-scope", scopeOption.ToString().ToLowerInvariant());
            var expected = Reference(theta0, states, n => (long)(n * trim), keepEqual: false, scopeOption, ties: false, lambda: 1);
            AssertSameBits(expected, ModelMerger.Merge(MergeMethod.Create("rhm", options), theta0, states));
        }
    }

    [Theory]
    [InlineData(2, 0.2, 1.0, 0, 1)]
    [InlineData(3, 0.5, 0.7, 0, 2)]
    [InlineData(5, 0.1, 1.3, 3, 3)]
    [InlineData(3, 1.0, 1.0, -3, 4)]
    [InlineData(4, 0.6, 1.0, -2, 5)]
    public void TiesEqualsTheReferenceBitForBit(int models, double density, double lambda, int bias, int seed)
    {
        using var scope = new DisposeScope();
        var (theta0, states) = States(models, bias, seed);
        foreach (var scopeOption in new[] { TrimScope.Model, TrimScope.Tensor })
        {
            var options = new MergeOptions().With("density", density).With("lambda", lambda).With("trim-scope", scopeOption.ToString().ToLowerInvariant());
            var expected = Reference(theta0, states, n => n - (long)(n * density), keepEqual: true, scopeOption, ties: true, lambda);
            AssertSameBits(expected, ModelMerger.Merge(MergeMethod.Create("ties", options), theta0, states));
        }
    }

    /// <summary>
    /// Elected signs +1, -1 and 0 (2 - 2): the majority sign is 0 too, and the reference code's
    /// where(sign &gt; 0, v &gt; 0, v &lt; 0) then averages the negative updates there.
    /// </summary>
    [Fact]
    public void ZeroMajoritySignAveragesTheNegativeUpdates()
    {
        using var scope = new DisposeScope();
        // 8 times the pattern, so both the float32 lanes and the scalar tail see it.
        float[] Repeat(params float[] pattern) => Enumerable.Repeat(pattern, 8).SelectMany(p => p).ToArray();
        var theta0 = new Dictionary<string, Tensor> { ["x"] = Tensor.Zeros([24]) };
        var models = new List<IReadOnlyDictionary<string, Tensor>>
        {
            new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(Repeat(1, -1, 2), 24) },
            new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(Repeat(1, -1, -2), 24) },
        };
        var merged = ModelMerger.Merge(MergeMethod.Create("ties", new MergeOptions().With("density", 1)), theta0, models);
        Assert.Equal(Repeat(1, -1, -2), merged["x"].ToArray<float>());
        AssertSameBits(Reference(theta0, models, _ => 0, keepEqual: true, TrimScope.Model, ties: true, lambda: 1), merged);
    }

    static void AssertSameBits(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.DType, actual[name].DType);
            Assert.True(tensor.Contiguous().Bytes.SequenceEqual(actual[name].Contiguous().Bytes), $"'{name}' differs");
        }
    }

    /// <summary>The reference merge: whole-tensor libtorch operations; thresholds by kthvalue of the concatenation.</summary>
    static Dictionary<string, Tensor> Reference(Dictionary<string, Tensor> theta0, List<IReadOnlyDictionary<string, Tensor>> models,
        Func<long, long> rankOf, bool keepEqual, TrimScope trimScope, bool ties, double lambda)
    {
        var merged = new Dictionary<string, Tensor>();
        var floats = theta0.Keys.Where(n => theta0[n].DType != DType.Int64).ToList();
        bool Frozen(string n) => models.All(m => m[n].Contiguous().Bytes.SequenceEqual(theta0[n].Contiguous().Bytes));
        DType ComputeOf(string n) => theta0[n].DType == DType.Float64 ? DType.Float64 : DType.Float32;
        Tensor Delta(int i, string n) => models[i][n].To(ComputeOf(n)) - theta0[n].To(ComputeOf(n));
        Tensor Magnitude(Tensor v) => v.Abs().To(DType.Float32).Flatten();

        float?[] Thresholds(IEnumerable<string> names, bool leaveOutUnchanged) => Enumerable.Range(0, models.Count).Select(i =>
        {
            var parts = names.Select(n => Magnitude(Delta(i, n))).Where(t => !leaveOutUnchanged || t.Max().Item() > 0).ToArray();
            long n = parts.Sum(t => t.NumEl);
            long rank = rankOf(n);
            return rank == 0 ? (float?)null : (float)Tensor.Cat(parts).KthValue(rank).Values.Item();
        }).ToArray();
        Tensor[] Trimmed(string n, float?[] thresholds) => Enumerable.Range(0, models.Count).Select(i =>
        {
            var v = Delta(i, n);
            var magnitude = Magnitude(v).Reshape(v.Shape);
            var keep = thresholds[i] is not { } t ? magnitude.OnesLike() : keepEqual ? magnitude.Ge(t) : magnitude.Gt(t);
            return v * keep.To(v.DType);
        }).ToArray();
        Tensor Elected(Tensor[] trimmed) => trimmed.Skip(1).Aggregate(trimmed[0].Clone(), (s, v) => s + v).Sign();
        double Majority(IEnumerable<string> names, float?[] thresholds) => Math.Sign(names.Sum(n => Elected(Trimmed(n, thresholds)).Sum().Item()));

        var modelThresholds = Thresholds(floats.Where(n => !Frozen(n)), leaveOutUnchanged: true);
        double modelMajority = Majority(floats, modelThresholds);
        foreach (var (name, theta) in theta0)
        {
            if (!floats.Contains(name) || Frozen(name))
            {
                merged[name] = theta;
                continue;
            }
            var thresholds = trimScope == TrimScope.Tensor ? Thresholds([name], leaveOutUnchanged: false) : modelThresholds;
            var trimmed = Trimmed(name, thresholds);
            Tensor sum, count;
            if (ties)
            {
                var sign = Elected(trimmed);
                double majority = trimScope == TrimScope.Tensor ? Majority([name], thresholds) : modelMajority;
                sign = Tensor.Where(sign.Eq(0), sign.OnesLike() * majority, sign);
                var agree = trimmed.Select(v => Tensor.Where(sign.Gt(0), v.Gt(0), v.Lt(0)).To(v.DType)).ToArray();
                sum = trimmed.Zip(agree, (v, a) => v * a).Aggregate(sign.ZerosLike(), (s, x) => s + x);
                count = agree.Aggregate(sign.ZerosLike(), (s, x) => s + x);
            }
            else
            {
                var kept = Enumerable.Range(0, models.Count).Select(i =>
                {
                    var t = thresholds[i];
                    var magnitude = Magnitude(Delta(i, name)).Reshape(theta.Shape);
                    return (t is null ? magnitude.OnesLike() : magnitude.Gt(t.Value)).To(ComputeOf(name));
                }).ToArray();
                sum = trimmed.Aggregate(trimmed[0].ZerosLike(), (s, x) => s + x);
                count = kept.Aggregate(kept[0].ZerosLike(), (s, x) => s + x);
            }
            var mean = sum / count.Clamp(min: 1);
            merged[name] = (theta.To(ComputeOf(name)) + (ties ? mean * lambda : mean)).To(theta.DType);
        }
        return merged;
    }
}
