namespace Ham.Data.Synthetic;

/// <summary>Background distractors: a few soft-edged ellipses of other colours, placed away from nothing in particular (they may overlap the object's area; the object is drawn on top).</summary>
static class Clutter
{
    public static void Blobs(Canvas canvas, SynthRandom random, int count, double softness, Func<Rgb> colour)
    {
        int size = canvas.Size;
        for (int i = 0; i < count; i++)
        {
            double cx = random.Uniform(0, size), cy = random.Uniform(0, size);
            double rx = size * random.Uniform(0.05, 0.16), ry = rx * random.Uniform(0.5, 1.5);
            double soft = Math.Max(0.5, softness * rx);
            var c = colour();
            canvas.Blend((x, y) =>
            {
                double d = (Math.Sqrt((x - cx) * (x - cx) / (rx * rx) + (y - cy) * (y - cy) / (ry * ry)) - 1) * Math.Min(rx, ry);
                return Math.Clamp(0.5 - d / soft, 0, 1) * 0.85;
            }, (_, _) => c);
        }
    }
}
