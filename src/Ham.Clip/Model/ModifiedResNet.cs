using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Clip.Model;

/// <summary>
/// CLIP's ResNet image encoder (openai/CLIP model.py ModifiedResNet): a three-convolution stem
/// with an average pool instead of a max pool, anti-aliased strided Bottlenecks (an average pool
/// before strided convolutions) and an attention pool instead of global average pooling.
/// </summary>
public sealed class ModifiedResNet : ImageEncoder
{
    readonly int resolution;

    public ModifiedResNet(int[] layers, long width, long heads, long embedDim, int resolution, Generator generator)
    {
        if (layers.Length != 4) throw new ArgumentException($"ModifiedResNet needs 4 stage depths, got {layers.Length}");
        this.resolution = resolution;
        Conv1 = RegisterModule("conv1", new Conv2d(3, width / 2, 3, generator, stride: 2, padding: 1, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(width / 2));
        Conv2 = RegisterModule("conv2", new Conv2d(width / 2, width / 2, 3, generator, padding: 1, bias: false));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(width / 2));
        Conv3 = RegisterModule("conv3", new Conv2d(width / 2, width, 3, generator, padding: 1, bias: false));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(width));
        long inplanes = width;
        Stages = new Sequential[4];
        for (int s = 0; s < 4; s++)
        {
            long planes = width << s;
            var stage = new Sequential();
            for (int b = 0; b < layers[s]; b++)
            {
                stage.Add(new Bottleneck(inplanes, planes, b == 0 && s > 0 ? 2 : 1, generator));
                inplanes = planes * Bottleneck.Expansion;
            }
            Stages[s] = RegisterModule($"layer{s + 1}", stage);
        }
        AttnPool = RegisterModule("attnpool", new AttentionPool2d(resolution / 32, width * 32, heads, embedDim, generator));
    }

    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    public Conv2d Conv3 { get; }
    public BatchNorm2d Bn3 { get; }
    public Sequential[] Stages { get; }
    public AttentionPool2d AttnPool { get; }

    public override int InputResolution => resolution;
    public override long OutputDim => AttnPool.OutputDim;

    public override Tensor Forward(Tensor images)
    {
        using var scope = new DisposeScope();
        var x = Bn1.Forward(Conv1.Forward(images)).Relu();
        x = Bn2.Forward(Conv2.Forward(x)).Relu();
        x = Bn3.Forward(Conv3.Forward(x)).Relu();
        x = Functional.AvgPool2d(x, 2);
        foreach (var stage in Stages) x = stage.Forward(x);
        return scope.MoveToOuter(AttnPool.Forward(x));
    }
}

/// <summary>
/// CLIP's Bottleneck: 1x1, 3x3, (avgpool if strided), 1x1 (x4 channels), each conv followed by
/// batch norm, plus a shortcut that is avgpool + 1x1 conv + batch norm when the shape changes
/// (children "downsample.0", "downsample.1": the pool, OpenAI's "-1", has no parameters).
/// </summary>
public sealed class Bottleneck : Layer
{
    public const int Expansion = 4;
    readonly long stride;

    public Bottleneck(long inplanes, long planes, long stride, Generator generator)
    {
        this.stride = stride;
        Conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 1, generator, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, generator, padding: 1, bias: false));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        Conv3 = RegisterModule("conv3", new Conv2d(planes, planes * Expansion, 1, generator, bias: false));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        if (stride > 1 || inplanes != planes * Expansion)
            Downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(inplanes, planes * Expansion, 1, generator, bias: false), new BatchNorm2d(planes * Expansion)));
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
        var y = Bn1.Forward(Conv1.Forward(x)).Relu();
        y = Bn2.Forward(Conv2.Forward(y)).Relu();
        if (stride > 1) y = Functional.AvgPool2d(y, stride);
        y = Bn3.Forward(Conv3.Forward(y));
        var identity = x;
        if (Downsample is not null)
            identity = Downsample.Forward(stride > 1 ? Functional.AvgPool2d(x, stride) : x);
        return scope.MoveToOuter((y + identity).Relu());
    }
}

/// <summary>
/// CLIP's attention pooling: the mean of the feature map's positions is prepended as a query
/// token, learned positions are added, and one multi-head attention of that token over all
/// positions (separate q, k, v projections, c_proj as output) gives the image feature.
/// </summary>
public sealed class AttentionPool2d : Module
{
    readonly long heads;

    public AttentionPool2d(long spatial, long embedDim, long heads, long outputDim, Generator generator)
    {
        this.heads = heads;
        OutputDim = outputDim;
        PositionalEmbedding = RegisterParameter("positional_embedding",
            Init.Normal([spatial * spatial + 1, embedDim], 1 / Math.Sqrt(embedDim), generator));
        KProj = RegisterModule("k_proj", new Linear(embedDim, embedDim, generator));
        QProj = RegisterModule("q_proj", new Linear(embedDim, embedDim, generator));
        VProj = RegisterModule("v_proj", new Linear(embedDim, embedDim, generator));
        CProj = RegisterModule("c_proj", new Linear(embedDim, outputDim, generator));
    }

    public long OutputDim { get; }
    public Tensor PositionalEmbedding { get; }
    public Linear KProj { get; }
    public Linear QProj { get; }
    public Linear VProj { get; }
    public Linear CProj { get; }

    /// <summary>x (N, C, H, W) -> (N, output).</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = new DisposeScope();
        long n = x.Size(0), c = x.Size(1);
        var tokens = x.Reshape(n, c, -1).Permute(2, 0, 1);                  // (HW, N, C)
        tokens = Tensor.Cat([tokens.Mean([0], keepDim: true), tokens], 0);  // (HW + 1, N, C)
        tokens = tokens + PositionalEmbedding.Unsqueeze(1);
        var query = tokens.Narrow(0, 0, 1);
        var attended = MultiheadAttention.AttendHeads(QProj.Forward(query), KProj.Forward(tokens), VProj.Forward(tokens), heads);
        return scope.MoveToOuter(CProj.Forward(attended).Squeeze(0));
    }
}
