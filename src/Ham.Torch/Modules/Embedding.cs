namespace Ham.Torch.Modules;

/// <summary>A lookup table of vectors (nn.Embedding, initialized N(0, 1)).</summary>
public sealed class Embedding : Layer
{
    public Embedding(long count, long dim, Generator generator)
    {
        Weight = RegisterParameter("weight", Init.Normal([count, dim], 1, generator));
    }

    public Tensor Weight { get; }

    public override Tensor Forward(Tensor indices) => Functional.Embedding(Weight, indices);
}
