using Ham.Data.Images;

namespace Ham.Data.Synthetic;

/// <summary>
/// The renderers: four benchmark domains that differ as PACS's do (photo: shaded object on a
/// textured background with clutter; art_painting: brush-stroke texture everywhere; cartoon: flat
/// colours with thick outlines; sketch: dark pencil outline and hatching on paper), and four
/// pretraining-corpus styles disjoint from them (pixel art, mosaic, neon, blueprint).
/// Every pixel is the average of 2x2 samples, so edges are antialiased.
/// </summary>
public static class Styles
{
    public static IReadOnlyList<string> Domains { get; } = ["art_painting", "cartoon", "photo", "sketch"];

    public static IReadOnlyList<string> CorpusStyles { get; } = ["blueprint", "mosaic", "neon", "pixel art"];

    public static RgbImage Render(string style, Scene scene, int size)
    {
        var noise = new System.Random(scene.Seed);
        var (r, g, b) = (Palette.Colours[scene.Colour].R, Palette.Colours[scene.Colour].G, Palette.Colours[scene.Colour].B);
        var background = (R: noise.Next(60, 200), G: noise.Next(60, 200), B: noise.Next(60, 200));
        var clutter = Enumerable.Range(0, noise.Next(0, 4)).Select(_ => (X: noise.NextDouble() * 2 - 1, Y: noise.NextDouble() * 2 - 1,
            R: 0.08 + noise.NextDouble() * 0.12, Colour: Palette.Colours[noise.Next(Palette.Colours.Count)])).ToArray();
        double strokeAngle = noise.NextDouble() * Math.PI, pixel = 2.0 / size;

        (double, double, double) Shade(double u, double v)
        {
            bool inside = scene.Covers(u, v);
            switch (style)
            {
                case "photo":
                {
                    double texture = Math.Sin(u * 37 + Math.Sin(v * 23) * 3) * 12 + Math.Sin(v * 53) * 8;
                    foreach (var c in clutter)
                        if ((u - c.X) * (u - c.X) + (v - c.Y) * (v - c.Y) < c.R * c.R && !inside)
                            return (c.Colour.R * 0.7, c.Colour.G * 0.7, c.Colour.B * 0.7);
                    if (!inside)
                    {
                        double fade = 0.7 + 0.3 * (v + 1) / 2;
                        return (background.R * fade + texture, background.G * fade + texture, background.B * fade + texture);
                    }
                    double light = 0.55 + 0.45 * (1 - (u - scene.CenterX + v - scene.CenterY + 1.2) / 2.4);
                    return (r * light + texture * 0.3, g * light + texture * 0.3, b * light + texture * 0.3);
                }
                case "art_painting":
                {
                    double along = u * Math.Cos(strokeAngle) + v * Math.Sin(strokeAngle);
                    double across = -u * Math.Sin(strokeAngle) + v * Math.Cos(strokeAngle);
                    double stroke = 0.75 + 0.25 * Math.Sin(across * 45 + Math.Sin(along * 9) * 2);
                    return inside ? (r * stroke + 20, g * stroke + 15, b * stroke)
                        : (background.R * stroke + 30, background.G * stroke + 20, background.B * stroke);
                }
                case "cartoon":
                    if (scene.OnEdge(u, v, 0.06)) return (20, 20, 20);
                    return inside ? (r, g, b) : (225, 235, 245);
                case "sketch":
                {
                    double wobble = Math.Sin(u * 13 + v * 7) * 0.012;
                    if (scene.OnEdge(u + wobble, v - wobble, 0.025)) return (50, 50, 55);
                    bool hatch = inside && Math.Abs(((u + v) * size / 6) % 2) < 0.35;
                    return hatch ? (150, 150, 150) : (245, 244, 240);
                }
                case "pixel art":
                {
                    double cell = 2.0 / 12;
                    double cu = (Math.Floor((u + 1) / cell) + 0.5) * cell - 1, cv = (Math.Floor((v + 1) / cell) + 0.5) * cell - 1;
                    return scene.Covers(cu, cv) ? (r, g, b) : (background.R / 2 + 100, background.G / 2 + 100, background.B / 2 + 100);
                }
                case "mosaic":
                {
                    double cell = 2.0 / 10, fu = (u + 1) / cell, fv = (v + 1) / cell;
                    if (fu - Math.Floor(fu) < 0.12 || fv - Math.Floor(fv) < 0.12) return (235, 235, 225);
                    double cu = (Math.Floor(fu) + 0.5) * cell - 1, cv = (Math.Floor(fv) + 0.5) * cell - 1;
                    double jitter = Math.Sin(Math.Floor(fu) * 12.9898 + Math.Floor(fv) * 78.233) * 25;
                    return scene.Covers(cu, cv) ? (r + jitter, g + jitter, b + jitter) : (180 + jitter, 170 + jitter, 150 + jitter);
                }
                case "neon":
                {
                    if (scene.OnEdge(u, v, 0.03)) return (Math.Min(255, r + 90), Math.Min(255, g + 90), Math.Min(255, b + 90));
                    if (scene.OnEdge(u, v, 0.09)) return (r * 0.45, g * 0.45, b * 0.45);
                    return (12, 10, 24);
                }
                case "blueprint":
                {
                    if (scene.OnEdge(u, v, 0.035)) return (240, 245, 255);
                    double gu = (u + 1) * 8, gv = (v + 1) * 8;
                    bool grid = gu - Math.Floor(gu) < 0.08 || gv - Math.Floor(gv) < 0.08;
                    return grid ? (70, 110, 190) : inside ? (40, 80, 165) : (25, 60, 140);
                }
                default:
                    throw new ArgumentException($"unknown style '{style}'");
            }
        }

        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double sr = 0, sg = 0, sb = 0;
                for (int sy = 0; sy < 2; sy++)
                    for (int sx = 0; sx < 2; sx++)
                    {
                        var (pr, pg, pb) = Shade(-1 + (x + 0.25 + 0.5 * sx) * pixel, -1 + (y + 0.25 + 0.5 * sy) * pixel);
                        sr += pr; sg += pg; sb += pb;
                    }
                int o = (y * size + x) * 3;
                image.Pixels[o] = (byte)Math.Clamp(sr / 4, 0, 255);
                image.Pixels[o + 1] = (byte)Math.Clamp(sg / 4, 0, 255);
                image.Pixels[o + 2] = (byte)Math.Clamp(sb / 4, 0, 255);
            }
        return image;
    }
}
