namespace Ham.Torch.Modules;

/// <summary>PyTorch's default initializers, drawn from a seeded generator.</summary>
public static class Init
{
    /// <summary>
    /// nn.Linear / nn.Conv2d default: kaiming_uniform_(a = sqrt(5)) on the weight, i.e.
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    /// </summary>
    public static Tensor UniformFanIn(long[] shape, long fanIn, Generator generator)
    {
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        return Random.Uniform_(Tensor.Empty(shape), -bound, bound, generator);
    }

    public static Tensor Normal(long[] shape, double std, Generator generator) =>
        Random.Normal_(Tensor.Empty(shape), 0, std, generator);
}
