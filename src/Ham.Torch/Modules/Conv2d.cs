namespace Ham.Torch.Modules;

/// <summary>2-D convolution over NCHW input (nn.Conv2d; weight (out, in / groups, k, k)).</summary>
public sealed class Conv2d : Layer
{
    readonly long stride, padding, dilation, groups;

    public Conv2d(long inChannels, long outChannels, long kernel, Generator generator, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1, bool bias = true)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: channels {inChannels} -> {outChannels} are not divisible by groups {groups}");
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        long fanIn = inChannels / groups * kernel * kernel;
        Weight = RegisterParameter("weight", Init.UniformFanIn([outChannels, inChannels / groups, kernel, kernel], fanIn, generator));
        if (bias) Bias = RegisterParameter("bias", Init.UniformFanIn([outChannels], fanIn, generator));
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, stride, padding, dilation, groups);
}
