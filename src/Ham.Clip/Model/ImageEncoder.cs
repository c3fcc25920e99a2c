using Ham.Torch.Modules;

namespace Ham.Clip.Model;

/// <summary>A CLIP image tower: normalized images (N, 3, R, R) to features (N, embed).</summary>
public abstract class ImageEncoder : Layer
{
    /// <summary>The side length R the encoder was built for.</summary>
    public abstract int InputResolution { get; }

    /// <summary>The joint embedding size.</summary>
    public abstract long OutputDim { get; }
}
