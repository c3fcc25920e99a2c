using Ham.Experiments.DataAwareMerging;
using Ham.Merging;
using Ham.Merging.Parameters;
using Ham.Tests.Cli;
using Ham.Tests.Training;
using Ham.Torch;
using Ham.Torch.Serialization;

namespace Ham.Tests.Merging;

/// <summary>
/// Each method's parameters are declared once: the flags, the YAML config and code reach the
/// method through that declaration, a flag the chosen method does not declare is refused naming
/// the method and its parameters, and the flag and config paths write the same bytes (the
/// data-aware regmean too, its data options in the config).
/// </summary>
[Collection(nameof(ConsoleCapture))]
public class MergeParameterDeclarationTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ham-merge-parameters").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    static IReadOnlyList<MethodDeclaration> Methods => MergeMethod.Declarations.Concat(DataAwareMerges.Declarations).ToList();

    (string Base, string[] Models) WriteModels()
    {
        using var scope = new DisposeScope();
        using var generator = new Generator(31);
        Dictionary<string, Tensor> Random() => new()
        {
            ["visual.attn.weight"] = Ham.Torch.Random.Normal([8, 6], generator),
            ["visual.mlp.weight"] = Ham.Torch.Random.Normal([6, 5], generator),
            ["visual.ln.bias"] = Ham.Torch.Random.Normal([6], generator),
        };
        SafetensorsWriter.Save(PathOf("base.safetensors"), Random());
        var models = Enumerable.Range(0, 3).Select(i => PathOf($"m{i}.safetensors")).ToArray();
        foreach (string path in models) SafetensorsWriter.Save(path, Random());
        return (PathOf("base.safetensors"), models);
    }

    [Fact]
    public void A_flag_the_method_does_not_declare_is_refused_naming_the_method_and_its_parameters()
    {
        var names = Methods.SelectMany(m => m.Parameters).Select(p => p.Name).Distinct().ToList();
        foreach (var method in Methods)
            foreach (string name in names.Where(n => method.Find(n) is null))
            {
                var (code, output) = ConsoleCapture.Run("merge", "--method", method.Name, "--models", PathOf("none.safetensors"), "--out", PathOf("o.safetensors"), $"--{name}", "1");
                string parameters = method.Parameters.Count > 0 ? string.Join(", ", method.Parameters.Select(p => "--" + p.Name)) : "none";
                Assert.Equal(1, code);
                Assert.Contains($"--{name} is not a parameter of {method.Name} (its parameters: {parameters})", output);
            }
    }

    [Fact]
    public void Help_lists_each_flag_with_the_methods_that_read_it_and_their_defaults()
    {
        var (_, output) = ConsoleCapture.Run("merge", "--help");
        string help = string.Join(" ", output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--density <density> ties, dare-ties (0.2), breadcrumbs (0.1), della (0.7): fraction of update entries kept", help);
        Assert.Contains("--lambda <lambda> task-arithmetic, dare-ta (1/N), ties, dare-ties, breadcrumbs, della (1): scale of the merged update", help);
        Assert.Contains("--data <data> regmean, fisher, greedy-soup (required):", help);
    }

    [Fact]
    public void Flags_config_and_code_give_the_same_bytes()
    {
        var (basePath, models) = WriteModels();
        var (code, output) = ConsoleCapture.Run(["merge", "--method", "dare-ties", "--base", basePath, "--models", .. models, "--out", PathOf("flags.safetensors"),
            "--density", "0.35", "--lambda", "0.7", "--drop", "0.5", "--seed", "4", "--trim-scope", "tensor"]);
        Assert.True(code == 0, output);
        File.WriteAllText(PathOf("merge.yaml"), "method: dare-ties\nbase: base.safetensors\nmodels: [m0.safetensors, m1.safetensors, m2.safetensors]\n" +
            "out: config.safetensors\ndensity: 0.35\nlambda: 0.7\ndrop: 0.5\nseed: 4\ntrim-scope: tensor\n");
        (code, output) = ConsoleCapture.Run("merge", "--config", PathOf("merge.yaml"));
        Assert.True(code == 0, output);
        var options = new MergeOptions().With("density", 0.35).With("lambda", 0.7).With("drop", 0.5).With("seed", 4).With("trim-scope", "tensor");
        ModelMerger.Merge(MergeMethod.Create("dare-ties", options), basePath, models, PathOf("code.safetensors"));
        byte[] flags = File.ReadAllBytes(PathOf("flags.safetensors"));
        Assert.Equal(flags, File.ReadAllBytes(PathOf("config.safetensors")));
        Assert.Equal(flags, File.ReadAllBytes(PathOf("code.safetensors")));
        // The values reached the method: not the defaults' merge.
        ModelMerger.Merge(MergeMethod.Create("dare-ties", new MergeOptions()), basePath, models, PathOf("defaults.safetensors"));
        using var merged = SafetensorsFile.Open(PathOf("flags.safetensors"));
        Assert.Equal("0.35", merged.Metadata["ham.merge.density"]);
        Assert.Equal("tensor", merged.Metadata["ham.merge.trim_scope"]);
        Assert.NotEqual(merged.Read("visual.attn.weight").ToArray<float>(), SafetensorsFile.Load(PathOf("defaults.safetensors"))["visual.attn.weight"].ToArray<float>());
    }

    [Fact]
    public void Values_are_checked_by_their_declaration_and_flags_beside_a_config_are_refused()
    {
        var (basePath, models) = WriteModels();
        File.WriteAllText(PathOf("merge.yaml"), "method: rhm\nbase: base.safetensors\nmodels: [m0.safetensors, m1.safetensors]\nout: o.safetensors\n");
        var cases = new (string[] Args, string Message)[]
        {
            (["merge", "--config", PathOf("merge.yaml"), "--trim", "0.3"], "--trim: with --config, parameters are set in the config"),
            (["merge", "--method", "rhm", "--base", basePath, "--models", .. models, "--out", PathOf("o.safetensors"), "--trim-scope", "layer"], "--trim-scope must be 'model' or 'tensor', got 'layer'"),
            (["merge", "--method", "dare-ta", "--base", basePath, "--models", .. models, "--out", PathOf("o.safetensors"), "--seed", "1.5"], "--seed must be an integer, got '1.5'"),
            (["merge", "--method", "ties", "--base", basePath, "--models", .. models, "--out", PathOf("o.safetensors"), "--lambda", "inf"], "--lambda must be a number, got 'inf'"),
            (["merge", "--method", "average", "--models", .. models, "--out", PathOf("o.safetensors"), "--weights", "1", "x"], "--weights must be numbers, got 'x'"),
            (["merge", "--method", "regmean", "--models", .. models, "--out", PathOf("o.safetensors")], "regmean: --data is required"),
        };
        foreach (var (args, message) in cases)
        {
            var (code, output) = ConsoleCapture.Run(args);
            Assert.Equal(1, code);
            Assert.Contains(message, output);
        }
        Assert.False(File.Exists(PathOf("o.safetensors")));
    }

    static string Clip => SharedData.Path("fixtures", "clip", "vit-tiny", "openai.safetensors");

    [Fact]
    public void A_regmean_config_with_its_data_options_writes_the_bytes_of_the_flags()
    {
        string relativeData = Path.GetRelativePath(_dir, data.Folder);
        var (code, output) = ConsoleCapture.Run("merge", "--method", "regmean", "--models", Clip, Clip, "--out", PathOf("flags.safetensors"),
            "--data", data.Folder, "--domains", "photo", "sketch", "--samples", "4", "--seed", "2", "--alpha", "0.5");
        Assert.True(code == 0, output);
        File.WriteAllText(PathOf("regmean.yaml"), $"method: regmean\nmodels: [{Clip}, {Clip}]\nout: config.safetensors\n" +
            $"data: {relativeData}\ndomains: [photo, sketch]\nsamples: 4\nseed: 2\nalpha: 0.5\n");
        (code, output) = ConsoleCapture.Run("merge", "--config", PathOf("regmean.yaml"));
        Assert.True(code == 0, output);
        Assert.Equal(File.ReadAllBytes(PathOf("flags.safetensors")), File.ReadAllBytes(PathOf("config.safetensors")));
        using var merged = SafetensorsFile.Open(PathOf("config.safetensors"));
        Assert.Equal("0.5", merged.Metadata["ham.merge.alpha"]);
    }

    [Fact]
    public void A_config_with_a_data_option_its_method_does_not_read_names_the_line()
    {
        File.WriteAllText(PathOf("soup.yaml"), $"method: greedy-soup\nmodels: [{Clip}, {Clip}]\nout: o.safetensors\ndata: {data.Folder}\ndomains: [photo, sketch]\n");
        var (code, output) = ConsoleCapture.Run("merge", "--config", PathOf("soup.yaml"));
        Assert.Equal(1, code);
        Assert.Contains($"{PathOf("soup.yaml")}, line 5: 'domains' is not a parameter of greedy-soup (its parameters: data, test-domain, trial-seed, device)", output);
    }
}
