namespace Ham.Torch.Modules;

/// <summary>y = x W^T + b (nn.Linear; weight (out, in)).</summary>
public sealed class Linear : Layer
{
    public Linear(long inFeatures, long outFeatures, Generator generator, bool bias = true)
    {
        Weight = RegisterParameter("weight", Init.UniformFanIn([outFeatures, inFeatures], inFeatures, generator));
        if (bias) Bias = RegisterParameter("bias", Init.UniformFanIn([outFeatures], inFeatures, generator));
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    /// <summary>Sees every input before the layer applies (data-aware merges collect the Gram matrices of layer inputs with it).</summary>
    public Action<Tensor>? InputHook { get; set; }

    public override Tensor Forward(Tensor input)
    {
        InputHook?.Invoke(input);
        return Functional.Linear(input, Weight, Bias);
    }
}
