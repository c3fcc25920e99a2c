namespace Ham.Torch.Modules;

/// <summary>Layer normalization over the last dimension (nn.LayerNorm, weight 1, bias 0).</summary>
public class LayerNorm : Layer
{
    readonly double eps;

    public LayerNorm(long features, double eps = 1e-5)
    {
        this.eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones([features]));
        Bias = RegisterParameter("bias", Tensor.Zeros([features]));
    }

    public Tensor Weight { get; }
    public Tensor Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, [Weight.Size(0)], Weight, Bias, eps);
}
