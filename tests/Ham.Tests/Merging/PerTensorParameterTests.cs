using Ham.Merging;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Merging;

/// <summary>
/// Per-tensor parameters from the YAML config (mergekit's filter/value rules) and per-model
/// weights: a per-tensor density or trim merges each group of tensors as if it were a model of
/// its own, and every mistake in the config is an error naming its line.
/// </summary>
public class PerTensorParameterTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-per-tensor").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    static readonly string[] Attention = ["blocks.0.attn.in_proj_weight", "blocks.1.attn.in_proj_weight", "blocks.1.attn.out_proj.bias"];
    static readonly string[] Others = ["blocks.0.mlp.c_fc.weight", "blocks.1.mlp.c_fc.bias", "ln_post.weight"];

    /// <summary>Base + 3 models as whole files, and as files holding only the attention tensors and only the others.</summary>
    void WriteModels()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(17);
        long[][] shapes = [[12, 4], [12, 4], [4], [8, 4], [8], [4]];
        var names = Attention.Concat(Others).ToArray();
        var theta0 = names.Select((n, i) => Ham.Torch.Random.Normal(shapes[i], generator)).ToArray();
        foreach (string model in new[] { "base", "m0", "m1", "m2" })
        {
            var state = names.Select((n, i) => KeyValuePair.Create(n, model == "base" ? theta0[i] : theta0[i] + Ham.Torch.Random.Normal(shapes[i], generator) * 0.1)).ToList();
            SafetensorsWriter.Save(PathOf($"{model}.safetensors"), state);
            SafetensorsWriter.Save(PathOf($"{model}-attn.safetensors"), state.Where(p => Attention.Contains(p.Key)));
            SafetensorsWriter.Save(PathOf($"{model}-rest.safetensors"), state.Where(p => Others.Contains(p.Key)));
        }
    }

    MergeConfig Config(string yaml)
    {
        File.WriteAllText(PathOf("merge.yaml"), yaml);
        return MergeConfig.ReadYaml(PathOf("merge.yaml"));
    }

    void Merge(MergeConfig config) =>
        ModelMerger.Merge(MergeMethod.Create(config.Method, config.Options), config.Base, config.Models, config.Output, config.Options.AllowMissing);

    void MergeParts(string method, string parameter, double value, string part, string output) => Merge(Config($"""
        method: {method}
        base: base-{part}.safetensors
        models: [m0-{part}.safetensors, m1-{part}.safetensors, m2-{part}.safetensors]
        out: {output}
        {parameter}: {value}
        """));

    [Theory]
    [InlineData("ties", "density", 0.3, 0.7)]
    [InlineData("rhm", "trim", 0.6, 0.1)]
    [InlineData("dare-ties", "drop", 0.5, 0.2)]
    public void APerTensorValueEqualsMergingThoseTensorsSeparately(string method, string parameter, double attention, double rest)
    {
        WriteModels();
        Merge(Config($"""
            method: {method}
            base: base.safetensors
            models: [m0.safetensors, m1.safetensors, m2.safetensors]
            out: whole.safetensors
            {parameter}:
              - filter: .attn.
                value: {attention}
              - value: {rest}
            """));
        MergeParts(method, parameter, attention, "attn", "attn.safetensors");
        MergeParts(method, parameter, rest, "rest", "rest.safetensors");
        using var whole = SafetensorsFile.Open(PathOf("whole.safetensors"));
        using var attn = SafetensorsFile.Open(PathOf("attn.safetensors"));
        using var others = SafetensorsFile.Open(PathOf("rest.safetensors"));
        foreach (string name in Attention) Assert.True(whole.Bytes(name).SequenceEqual(attn.Bytes(name)), name);
        foreach (string name in Others) Assert.True(whole.Bytes(name).SequenceEqual(others.Bytes(name)), name);
        // The rules changed the attention tensors: a merge with one value everywhere differs there.
        Merge(Config($"""
            method: {method}
            base: base.safetensors
            models: [m0.safetensors, m1.safetensors, m2.safetensors]
            out: one.safetensors
            {parameter}: {rest}
            """));
        using var one = SafetensorsFile.Open(PathOf("one.safetensors"));
        Assert.Contains(Attention, name => !one.Bytes(name).SequenceEqual(whole.Bytes(name)));
    }

    [Fact]
    public void PerModelWeightsMayDifferPerTensor()
    {
        using var scope = new DisposeScope();
        WriteModels();
        Merge(Config("""
            method: average
            models:
              - model: m0.safetensors
                weight:
                  - filter: ln_post
                    value: 3
                  - value: 1
              - m1.safetensors
              - model: m2.safetensors
                weight: 0
            out: weighted.safetensors
            """));
        using var merged = SafetensorsFile.Open(PathOf("weighted.safetensors"));
        var m = new[] { "m0", "m1", "m2" }.Select(n => SafetensorsFile.Load(PathOf($"{n}.safetensors"))).ToArray();
        foreach (string name in Attention.Concat(Others))
        {
            double w0 = name == "ln_post.weight" ? 3 : 1;
            var expected = (m[0][name] * (w0 / (w0 + 1)) + m[1][name] * (1 / (w0 + 1))).ToArray<float>();
            var actual = merged.Read(name).ToArray<float>();
            for (int j = 0; j < expected.Length; j++) Assert.True(Math.Abs(expected[j] - actual[j]) < 1e-6, $"{name}[{j}]: {expected[j]} vs {actual[j]}");
        }
        Assert.Equal("ln_post=3; 1 | 1 | 0", merged.Metadata["ham.merge.weights"]);
    }

    [Fact]
    public void ConfigMistakesAreErrorsNamingTheLine()
    {
        WriteModels();
        const string Head = "method: ties\nbase: base.safetensors\nmodels: [m0.safetensors, m1.safetensors]\nout: o.safetensors\n";
        var cases = new (string Yaml, string Message)[]
        {
            (Head + "densty: 0.3\n", "line 5: unknown field 'densty'"),
            (Head + "density: lots\n", "line 5: 'density' must be a number, got 'lots'"),
            (Head + "density: [0.1, 0.5]\n", "line 5: a rule of 'density' is {filter: SUBSTRING, value: NUMBER} (gradients over layers are not supported)"),
            (Head + "density:\n  - filter: attn\n    valu: 0.3\n", "line 7: unknown field 'valu' of a rule of 'density'"),
            (Head + "density:\n  - filter: attn\n", "line 6: a rule of 'density' needs a value"),
            (Head.Replace("ties", "dare-ties") + "seed: 1.5\n", "line 5: 'seed' must be an integer"),
            (Head + "trim: 0.3\n", "line 5: 'trim' is not a parameter of ties (its parameters: density, lambda, trim-scope)"),
            (Head + "method: rhm\n", "line 5"),
            ("method: ties\nbase: base.safetensors\nmodels:\n  - model: m0.safetensors\n    weight: 2\nout: o.safetensors\n", "line 4: ties takes no per-model weight"),
            ("method: average\nmodels:\n  - model: m0.safetensors\n    wait: 2\nout: o.safetensors\n", "line 4: unknown field 'wait' of a model"),
        };
        foreach (var (yaml, message) in cases)
        {
            var error = Assert.ThrowsAny<Exception>(() => Config(yaml));
            Assert.True(error.Message.Contains($"{PathOf("merge.yaml")}, {message}"), $"expected \"{message}\" in: {error.Message}");
        }

        // A filter that matches no tensor is found once the models are open, and named by its line.
        var config = Config(Head + "density:\n  - filter: attn\n    value: 0.3\n  - filter: nowhere\n    value: 0.5\n");
        var unmatched = Assert.Throws<ArgumentException>(() => Merge(config));
        Assert.Contains($"{PathOf("merge.yaml")}, line 8: filter 'nowhere' of density matches no tensor of {PathOf("base.safetensors")}", unmatched.Message);
        Assert.False(File.Exists(PathOf("o.safetensors")));
    }
}
