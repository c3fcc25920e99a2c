using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Vision;

/// <summary>
/// torchvision's Bottleneck (He et al. 2016, fig. 5 right), "ResNet v1.5": the stride sits on the
/// 3x3 convolution, not on the first 1x1 as in the paper.
/// out = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x)), conv1 1x1 to planes,
/// conv2 3x3 (strided), conv3 1x1 to 4 x planes; shortcut = identity or "downsample" (1x1 strided
/// conv + batch norm).
/// </summary>
public sealed class Bottleneck : Layer
{
    public const int Expansion = 4;

    public Bottleneck(long inplanes, long planes, long stride, Sequential? downsample, Generator generator)
    {
        Conv1 = RegisterModule("conv1", ResNet.Conv1x1(inplanes, planes, 1, generator));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", ResNet.Conv3x3(planes, planes, stride, generator));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        Conv3 = RegisterModule("conv3", ResNet.Conv1x1(planes, planes * Expansion, 1, generator));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        if (downsample is not null) Downsample = RegisterModule("downsample", downsample);
    }

    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    public Conv2d Conv3 { get; }
    public BatchNorm2d Bn3 { get; }
    public Sequential? Downsample { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = new DisposeScope();
        // relu and the residual sum in place, as torchvision's (none of their producers needs its output for backward)
        var y = Bn1.Forward(Conv1.Forward(x)).Relu_();
        y = Bn2.Forward(Conv2.Forward(y)).Relu_();
        y = Bn3.Forward(Conv3.Forward(y));
        var identity = Downsample?.Forward(x) ?? x;
        return scope.MoveToOuter(y.Add_(identity).Relu_());
    }
}
