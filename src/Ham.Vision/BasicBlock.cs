using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Vision;

/// <summary>
/// torchvision's BasicBlock (He et al. 2016, fig. 2 left): out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
/// both convolutions 3x3, the first one strided; shortcut = identity, or "downsample" (1x1 strided
/// conv + batch norm) where the shape changes.
/// </summary>
public sealed class BasicBlock : Layer
{
    public const int Expansion = 1;

    public BasicBlock(long inplanes, long planes, long stride, Sequential? downsample, Generator generator)
    {
        Conv1 = RegisterModule("conv1", ResNet.Conv3x3(inplanes, planes, stride, generator));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", ResNet.Conv3x3(planes, planes, 1, generator));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (downsample is not null) Downsample = RegisterModule("downsample", downsample);
    }

    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    public Sequential? Downsample { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = new DisposeScope();
        // relu and the residual sum in place, as torchvision's (none of their producers needs its output for backward)
        var y = Bn1.Forward(Conv1.Forward(x)).Relu_();
        y = Bn2.Forward(Conv2.Forward(y));
        var identity = Downsample?.Forward(x) ?? x;
        return scope.MoveToOuter(y.Add_(identity).Relu_());
    }
}
