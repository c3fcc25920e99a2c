namespace Ham.Data.Synthetic;

/// <summary>The colours objects are painted in, with the words captions use for them.</summary>
static class NamedColours
{
    public static readonly IReadOnlyList<(string Name, Rgb Value)> All =
    [
        ("red", new Rgb(0.85, 0.13, 0.12)),
        ("orange", new Rgb(0.96, 0.55, 0.10)),
        ("yellow", new Rgb(0.97, 0.85, 0.15)),
        ("green", new Rgb(0.18, 0.62, 0.24)),
        ("blue", new Rgb(0.14, 0.34, 0.86)),
        ("purple", new Rgb(0.55, 0.24, 0.72)),
        ("pink", new Rgb(0.96, 0.52, 0.72)),
        ("brown", new Rgb(0.52, 0.31, 0.14)),
    ];

    /// <summary>A muted background colour whose hue is far from <paramref name="avoid"/>: another named colour, blended toward grey.</summary>
    public static Rgb Background(SynthRandom random, Rgb avoid, double towardGrey)
    {
        Rgb pick;
        do pick = random.Pick(All).Value;
        while (Distance(pick, avoid) < 0.5);
        return Rgb.Mix(pick, Rgb.Grey(random.Uniform(0.55, 0.85)), towardGrey);
    }

    static double Distance(Rgb a, Rgb b) => Math.Sqrt((a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B));
}
