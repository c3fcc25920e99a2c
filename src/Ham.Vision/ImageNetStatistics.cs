namespace Ham.Vision;

/// <summary>
/// The per-channel mean and standard deviation of ImageNet's training images (RGB, pixels / 255)
/// that torchvision's ImageNet models were trained with: their inputs are (pixel / 255 - mean) / std.
/// </summary>
public static class ImageNetStatistics
{
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];
}
