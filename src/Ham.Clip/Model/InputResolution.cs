using Ham.Torch;

namespace Ham.Clip.Model;

/// <summary>
/// Runs a CLIP image tower at another input size by resampling its learned position grid, as
/// open_clip's resize_pos_embed and timm's resample_abs_pos_embed do: the class (or pooled-query)
/// row is kept, the g x g grid rows are laid out as a (1, width, g, g) image (row-major: position
/// r * g + c is row r, column c), resized bicubically (align_corners = false, antialiased when
/// shrinking) to G x G and flattened back. Everything else in the tower is size-independent.
/// G = size / patch for a ViT, size / 32 for a ModifiedResNet's attention pool.
/// </summary>
public static class InputResolution
{
    /// <summary>The config of the same model at <paramref name="size"/> px; an error when the tower cannot take that size.</summary>
    public static ClipConfig Change(ClipConfig config, int size)
    {
        int stride = GridStride(config);
        if (size < stride || size % stride != 0)
            throw new ArgumentException($"image size {size} px: this {(config.IsVisionTransformer ? "ViT" : "ModifiedResNet")} needs a positive multiple of {stride} px");
        return config with { ImageResolution = size };
    }

    /// <summary>
    /// The visual state dict (names without "visual.") with its position grid resampled from
    /// <paramref name="config"/>'s resolution to <paramref name="size"/>; other tensors are shared, not copied.
    /// </summary>
    public static Dictionary<string, Tensor> Resample(IReadOnlyDictionary<string, Tensor> visual, ClipConfig config, int size)
    {
        Change(config, size);
        string name = config.IsVisionTransformer ? "positional_embedding" : "attnpool.positional_embedding";
        if (!visual.TryGetValue(name, out var positions))
            throw new ArgumentException($"visual state has no '{name}' to resample");
        var resized = visual.ToDictionary(p => p.Key, p => p.Value);
        resized[name] = ResampleGrid(positions, config.ImageResolution / GridStride(config), size / GridStride(config));
        return resized;
    }

    /// <summary>Pixels per position of the grid: the patch of a ViT, the 32x downsampling of a ModifiedResNet.</summary>
    static int GridStride(ClipConfig config) => config.IsVisionTransformer ? config.PatchSize : 32;

    /// <summary>(1 + g^2, width) -> (1 + G^2, width), in the input's dtype.</summary>
    public static Tensor ResampleGrid(Tensor positions, long from, long to)
    {
        if (positions.Dim != 2 || positions.Size(0) != from * from + 1)
            throw new ArgumentException($"position embedding of shape [{string.Join(", ", positions.Shape)}] is not (1 + {from}^2, width)");
        using var noGrad = LibTorch.NoGrad();
        using var scope = new DisposeScope();
        if (from == to) return scope.MoveToOuter(positions.Detach().Clone());
        long width = positions.Size(1);
        var grid = positions.Narrow(0, 1, from * from).To(DType.Float32)
            .Reshape(1, from, from, width).Permute(0, 3, 1, 2);                               // (1, width, g, g)
        var resized = Functional.Interpolate(grid, to, to, InterpolationMode.Bicubic, antialias: to < from)
            .Permute(0, 2, 3, 1).Reshape(to * to, width);                                     // (G^2, width)
        var result = Tensor.Cat([positions.Narrow(0, 0, 1).To(DType.Float32), resized], 0).To(positions.DType);
        return scope.MoveToOuter(result);
    }
}
