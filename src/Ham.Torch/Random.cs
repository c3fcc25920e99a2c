using Ham.Torch.Native;

namespace Ham.Torch;

/// <summary>Random sampling; every call takes a seeded <see cref="Generator"/>.</summary>
public static unsafe class Random
{
    public static Tensor Normal(ReadOnlySpan<long> shape, Generator generator, DType dtype = DType.Float32)
    {
        fixed (long* s = shape) return Tensor.Wrap(Api.ham_randn(s, shape.Length, (int)dtype, generator.Handle, out var r), r);
    }

    public static Tensor Uniform(ReadOnlySpan<long> shape, Generator generator, DType dtype = DType.Float32)
    {
        fixed (long* s = shape) return Tensor.Wrap(Api.ham_rand(s, shape.Length, (int)dtype, generator.Handle, out var r), r);
    }

    /// <summary>Integers in [low, high).</summary>
    public static Tensor Integers(long low, long high, ReadOnlySpan<long> shape, Generator generator)
    {
        fixed (long* s = shape) return Tensor.Wrap(Api.ham_randint(low, high, s, shape.Length, generator.Handle, out var r), r);
    }

    public static Tensor Permutation(long n, Generator generator) => Tensor.Wrap(Api.ham_randperm(n, generator.Handle, out var r), r);

    /// <summary>Same shape and dtype as <paramref name="like"/>; each entry 1 with probability p.</summary>
    public static Tensor Bernoulli(Tensor like, double p, Generator generator) =>
        Tensor.Wrap(Api.ham_bernoulli(like.Handle, p, generator.Handle, out var r), r);

    public static Tensor Normal_(Tensor t, double mean, double std, Generator generator)
    {
        Api.Check(Api.ham_normal_(t.Handle, mean, std, generator.Handle));
        return t;
    }

    public static Tensor Uniform_(Tensor t, double from, double to, Generator generator)
    {
        Api.Check(Api.ham_uniform_(t.Handle, from, to, generator.Handle));
        return t;
    }
}
