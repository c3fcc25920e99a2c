using Ham.Data.Images;
using Ham.Torch;

namespace Ham.Data.Transforms;

/// <summary>
/// What a loader does to one decoded image: write it as a normalized (3, Size, Size) float32 slot
/// of a batch. A random transform draws only from the generator it is given, which the loader
/// seeds from the sample's position, so batches do not depend on which thread made them.
/// </summary>
public interface ISampleTransform
{
    int Size { get; }

    /// <summary>False when the transform never draws (the loader then passes no generator).</summary>
    bool IsRandom { get; }

    /// <summary>Writes the sample; <paramref name="image"/> is only read during the call (the loader reuses its buffer for the next image).</summary>
    void ApplyInto(RgbImage image, Generator? generator, Span<float> destination);
}
