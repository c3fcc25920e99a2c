using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Vision;

/// <summary>
/// torchvision's ResNet (torchvision/models/resnet.py; He et al. 2016, "Deep Residual Learning for
/// Image Recognition"), with torchvision's parameter and buffer names (conv1.weight,
/// bn1.running_mean, layer1.0.downsample.0.weight, fc.weight ...): a 7x7/2 stem conv, batch norm,
/// relu, 3x3/2 max pool, four stages of residual blocks (64, 128, 256, 512 planes; stages 2-4 start
/// with stride 2), global average pooling and a linear head.
/// Built in eval mode: batch norm uses its running statistics, frozen, until <c>Train()</c> is called
/// (then it normalizes with batch statistics and updates the running ones, PyTorch's momentum 0.1).
/// </summary>
public sealed class ResNet : Layer
{
    /// <summary>
    /// A freshly initialised ResNet, as torchvision's constructor initialises it from the same seed
    /// (torch.manual_seed(seed) then resnetNN() draws the same numbers): every module's default
    /// init in construction order, then kaiming_normal_(fan_out, relu) on every convolution, i.e.
    /// N(0, 2 / (out_channels k^2)); batch norm weight 1, bias 0; fc keeps nn.Linear's default,
    /// U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
    /// </summary>
    public ResNet(ResNetBlockKind block, int[] layers, long numClasses, Generator generator)
        : this(new ResNetArchitecture(block, layers, numClasses), generator) { }

    public ResNet(ResNetArchitecture architecture, Generator generator)
    {
        Architecture = architecture;
        Conv1 = RegisterModule("conv1", new Conv2d(3, 64, 7, generator, stride: 2, padding: 3, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        long inplanes = 64;
        var stages = new Sequential[4];
        for (int s = 0; s < 4; s++)
            stages[s] = RegisterModule($"layer{s + 1}", MakeStage(architecture.Block, ref inplanes, 64L << s, architecture.Layers[s], s == 0 ? 1 : 2, generator));
        (Layer1, Layer2, Layer3, Layer4) = (stages[0], stages[1], stages[2], stages[3]);
        Fc = RegisterModule("fc", new Linear(architecture.FeatureDim, architecture.NumClasses, generator));

        foreach (var (_, module) in NamedModules())
            if (module is Conv2d conv)
            {
                long fanOut = conv.Weight.Size(0) * conv.Weight.Size(2) * conv.Weight.Size(3);
                using (LibTorch.NoGrad()) Ham.Torch.Random.Normal_(conv.Weight, 0, Math.Sqrt(2.0) / Math.Sqrt(fanOut), generator);
            }
        Eval();
    }

    public ResNetArchitecture Architecture { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Sequential Layer1 { get; }
    public Sequential Layer2 { get; }
    public Sequential Layer3 { get; }
    public Sequential Layer4 { get; }
    public Linear Fc { get; }

    /// <summary>Width of <see cref="Features"/>: 512 (BasicBlock) or 2048 (Bottleneck).</summary>
    public long FeatureDim => Architecture.FeatureDim;

    /// <summary>images (N, 3, H, W), normalized with <see cref="ImageNetStatistics"/> -> pooled features (N, FeatureDim), what fc reads. The caller owns the result.</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = new DisposeScope();
        // Channels-last (NHWC) from the stem on: libtorch's CPU convolution (oneDNN) and batch norm
        // then run without reordering every activation from and to NCHW. Measured with torchvision's
        // resnet50 in PyTorch 1.13 on 2 cores (batch 32, 224 px, train step): 17.0 s NCHW, 15.1 s
        // with a channels-last input. The values are the same to rounding; parameters keep their layout.
        var x = Bn1.Forward(Conv1.Forward(images.ContiguousChannelsLast())).Relu_(); // (N, 64, H/2, W/2)
        x = Functional.MaxPool2d(x, 3, stride: 2, padding: 1);  // (N, 64, H/4, W/4)
        x = Layer1.Forward(x);                                  // (N, 64 e, H/4, W/4)
        x = Layer2.Forward(x);                                  // (N, 128 e, H/8, W/8)
        x = Layer3.Forward(x);                                  // (N, 256 e, H/16, W/16)
        x = Layer4.Forward(x);                                  // (N, 512 e, H/32, W/32)
        x = Functional.AdaptiveAvgPool2d(x, 1, 1).Flatten(1);   // (N, 512 e)
        return scope.MoveToOuter(x);
    }

    /// <summary>images (N, 3, H, W) -> class logits (N, NumClasses) = fc(Features(images)). The caller owns the result.</summary>
    public override Tensor Forward(Tensor images)
    {
        using var features = Features(images);
        return Fc.Forward(features);
    }

    /// <summary>
    /// One stage (torchvision's _make_layer): the first block takes the stride and, where the
    /// shape changes, a downsample shortcut; the downsample is built before its block, as
    /// torchvision builds it, so a seed draws the same initial weights.
    /// </summary>
    static Sequential MakeStage(ResNetBlockKind block, ref long inplanes, long planes, int blocks, long stride, Generator generator)
    {
        long outplanes = planes * block.Expansion();
        Sequential? downsample = stride != 1 || inplanes != outplanes
            ? new Sequential(Conv1x1(inplanes, outplanes, stride, generator), new BatchNorm2d(outplanes))
            : null;
        var stage = new Sequential(Block(block, inplanes, planes, stride, downsample, generator));
        inplanes = outplanes;
        for (int b = 1; b < blocks; b++) stage.Add(Block(block, inplanes, planes, 1, null, generator));
        return stage;
    }

    static Layer Block(ResNetBlockKind block, long inplanes, long planes, long stride, Sequential? downsample, Generator generator) =>
        block == ResNetBlockKind.Bottleneck
            ? new Bottleneck(inplanes, planes, stride, downsample, generator)
            : new BasicBlock(inplanes, planes, stride, downsample, generator);

    internal static Conv2d Conv3x3(long inChannels, long outChannels, long stride, Generator generator) =>
        new(inChannels, outChannels, 3, generator, stride: stride, padding: 1, bias: false);

    internal static Conv2d Conv1x1(long inChannels, long outChannels, long stride, Generator generator) =>
        new(inChannels, outChannels, 1, generator, stride: stride, bias: false);
}
