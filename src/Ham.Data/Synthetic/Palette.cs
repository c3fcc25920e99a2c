namespace Ham.Data.Synthetic;

/// <summary>Named object colours, for varied objects and for the captions of the pretraining corpus.</summary>
public static class Palette
{
    public static IReadOnlyList<(string Name, byte R, byte G, byte B)> Colours { get; } =
    [
        ("red", 210, 40, 40), ("green", 40, 160, 60), ("blue", 40, 80, 200), ("yellow", 230, 200, 40),
        ("purple", 140, 60, 170), ("orange", 240, 130, 30), ("pink", 235, 120, 170), ("brown", 130, 80, 40),
    ];
}
