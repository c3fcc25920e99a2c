namespace Ham.Vision;

/// <summary>The residual block a ResNet is built from (He et al. 2016, "Deep Residual Learning", table 1).</summary>
public enum ResNetBlockKind
{
    /// <summary>Two 3x3 convolutions (ResNet-18, -34); output channels = planes.</summary>
    Basic,

    /// <summary>1x1 reduce, 3x3, 1x1 expand (ResNet-50, -101, -152); output channels = 4 x planes.</summary>
    Bottleneck,
}

public static class ResNetBlockKindExtensions
{
    /// <summary>Output channels of a block over its planes (torchvision's <c>block.expansion</c>).</summary>
    public static int Expansion(this ResNetBlockKind kind) => kind == ResNetBlockKind.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

    /// <summary>Weighted layers per block: 2 convolutions for Basic, 3 for Bottleneck.</summary>
    public static int ConvolutionsPerBlock(this ResNetBlockKind kind) => kind == ResNetBlockKind.Bottleneck ? 3 : 2;
}
