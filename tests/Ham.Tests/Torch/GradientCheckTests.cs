using Ham.Torch;

namespace Ham.Tests.Torch;

/// <summary>
/// The gradient of every differentiable op of <see cref="OpReferenceTests"/> against central
/// finite differences in float64: for L = sum(w * op(x)) with fixed random w, dL/dx_j from
/// backward() must equal (L(x + h e_j) - L(x - h e_j)) / 2h for every floating input entry.
/// </summary>
public class GradientCheckTests
{
    /// <summary>Piecewise-constant, integer-valued or random ops: no gradient to check.</summary>
    static readonly HashSet<string> NotDifferentiable =
    [
        "sign", "floor", "ceil", "round", "lt", "ge", "eq", "argmax", "one_hot",
        "random_normal", "random_uniform", "random_randint", "random_randperm", "random_bernoulli",
    ];

    /// <summary>Inputs that are state, not arguments: batch norm's running statistics in eval mode.</summary>
    static readonly HashSet<(string, int)> ConstantInputs = [("batch_norm_eval", 1), ("batch_norm_eval", 2)];

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (string name in OpReferenceTests.Ops.Keys.Order())
            if (!NotDifferentiable.Contains(name)) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        using var scope = new DisposeScope();
        var op = OpReferenceTests.Ops[name];
        var inputs = OpReferenceTests.Tensors(name, "in").Select(t => t.Clone()).ToArray();
        var checkedInputs = Enumerable.Range(0, inputs.Length)
            .Where(i => inputs[i].DType == DType.Float64 && !ConstantInputs.Contains((name, i))).ToArray();
        Assert.NotEmpty(checkedInputs);
        foreach (int i in checkedInputs) inputs[i].RequiresGrad_();

        using var generator = new Generator(7);
        var outputs = op(inputs);
        var weights = outputs.Select(o => o.DType == DType.Float64 ? Ham.Torch.Random.Normal(o.Shape, generator, DType.Float64) : null).ToArray();
        Loss(outputs, weights).Backward();

        const double h = 1e-6;
        foreach (int i in checkedInputs)
        {
            var analytic = inputs[i].Grad is { } g ? g.ToArray<double>() : new double[inputs[i].NumEl];
            var values = inputs[i].Detach().ToArray<double>();
            for (int j = 0; j < values.Length; j++)
            {
                double numeric = (LossAt(op, inputs, weights, i, values, j, h) - LossAt(op, inputs, weights, i, values, j, -h)) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[j]) <= 1e-5 * (1 + Math.Abs(numeric)),
                    $"{name}: d/d in{i}[{j}]: finite differences {numeric:R}, backward {analytic[j]:R}");
            }
        }
    }

    static Tensor Loss(Tensor[] outputs, Tensor?[] weights)
    {
        Tensor total = Tensor.Scalar(0, DType.Float64);
        for (int k = 0; k < outputs.Length; k++)
            if (weights[k] is { } w) total = total + (outputs[k] * w).Sum();
        return total;
    }

    static double LossAt(Func<Tensor[], Tensor[]> op, Tensor[] inputs, Tensor?[] weights, int input, double[] values, int entry, double step)
    {
        using var scope = new DisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var shifted = (double[])values.Clone();
        shifted[entry] += step;
        var arguments = (Tensor[])inputs.Clone();
        arguments[input] = Tensor.FromArray(shifted, inputs[input].Shape);
        return Loss(op(arguments), weights).Item();
    }
}
