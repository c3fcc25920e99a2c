using Ham.Torch;
using Ham.Torch.Modules;

namespace Ham.Clip.Model;

/// <summary>A CLIP image tower: normalized images (N, 3, R, R) to features (N, embed).</summary>
public abstract class ImageEncoder : Layer
{
    /// <summary>The side length R the encoder was built for.</summary>
    public abstract int InputResolution { get; }

    /// <summary>The joint embedding size.</summary>
    public abstract long OutputDim { get; }

    /// <summary>A randomly initialized image tower of the shape <paramref name="config"/> describes.</summary>
    public static ImageEncoder Create(ClipConfig config, Generator generator) => config.IsVisionTransformer
        ? new VisionTransformer(config.ImageResolution, config.PatchSize, config.VisionWidth, config.VisionLayers[0],
            config.VisionHeads, config.EmbedDim, generator, config.Vision)
        : new ModifiedResNet(config.VisionLayers, config.VisionWidth, config.VisionHeads, config.EmbedDim, config.ImageResolution, generator);
}
