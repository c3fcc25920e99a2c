using System.Text.Json;
using Ham.Merging;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Merging;

/// <summary>
/// slerp, model-stock, breadcrumbs and della against PyTorch implementations of their papers'
/// formulas on random state dicts (Data/method_reference.safetensors, made by
/// Data/make_method_reference.py): float32 and float64 tensors, a 1-entry tensor, a 4-D one,
/// and two nearly parallel tensors (slerp's linear fallback). della's drops come from the same
/// seeded generator on both sides, so its masks must match entry for entry.
/// </summary>
public class MethodReferenceTests
{
    static readonly Lazy<(Dictionary<string, Tensor> Tensors, Dictionary<string, JsonElement> Cases)> Reference = new(() =>
    {
        using var file = SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Merging", "Data", "method_reference.safetensors"));
        var tensors = file.Entries.ToDictionary(e => e.Name, e => file.Read(e.Name).DetachFromScope());
        var cases = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(file.Metadata["cases"])!;
        return (tensors, cases);
    });

    static Dictionary<string, Tensor> Part(string prefix) =>
        Reference.Value.Tensors.Where(p => p.Key.StartsWith(prefix + "/")).ToDictionary(p => p.Key[(prefix.Length + 1)..], p => p.Value);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in Reference.Value.Cases.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MethodEqualsThePyTorchReference(string name)
    {
        using var scope = new DisposeScope();
        var spec = Reference.Value.Cases[name];
        double? Option(string key) => spec.TryGetProperty(key, out var v) ? v.GetDouble() : null;
        var options = new MergeOptions();
        foreach (string key in new[] { "t", "density", "gamma", "epsilon", "lambda" })
            if (Option(key) is { } value) options = options.With(key, value);
        if (Option("seed") is { } seed) options = options.With("seed", (long)seed);
        int count = spec.GetProperty("models").GetInt32();
        var models = Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, Tensor>)Part($"m{i}")).ToList();
        var merged = ModelMerger.Merge(MergeMethod.Create(spec.GetProperty("method").GetString()!, options), Part("base"), models);
        Assert.Equal(Part("base").Keys.Order(), Part(name).Keys.Order());
        foreach (var (tensor, expected) in Part(name))
        {
            Assert.Equal(expected.DType, merged[tensor].DType);
            var (e, a) = (expected.To(DType.Float64).ToArray<double>(), merged[tensor].To(DType.Float64).ToArray<double>());
            for (int j = 0; j < e.Length; j++)
                Assert.True(Math.Abs(e[j] - a[j]) <= 1e-5 * (1 + Math.Abs(e[j])), $"{name} '{tensor}'[{j}]: PyTorch {e[j]}, Ham {a[j]}");
        }
    }

    [Fact]
    public void SlerpAtTheEndsGivesTheInputs()
    {
        using var scope = new DisposeScope();
        var models = new List<IReadOnlyDictionary<string, Tensor>> { Part("m0"), Part("m1") };
        for (int end = 0; end <= 1; end++)
        {
            var merged = ModelMerger.Merge(MergeMethod.Create("slerp", new MergeOptions().With("t", end)), null, models);
            foreach (var (tensor, expected) in models[end])
                Assert.Equal(expected.To(DType.Float64).ToArray<double>(), merged[tensor].To(DType.Float64).ToArray<double>());
        }
    }
}
