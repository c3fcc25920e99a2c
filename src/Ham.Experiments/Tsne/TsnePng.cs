using System.Globalization;
using Ham.Data.Images;
using Ham.Training;

namespace Ham.Experiments.Tsne;

/// <summary>
/// A <see cref="TsneFigure"/> as a raster image, encoded by Ham's libpng binding
/// (<see cref="PngCodec.Encode"/>): the same panels, points, palette and legend swatches as the
/// SVG, without the text (Ham has no font rasterizer; the SVG carries the titles and names).
/// </summary>
public static class TsnePng
{
    public const int Radius = 3;

    public static byte[] Render(TsneFigure figure) => PngCodec.Encode(Draw(figure));

    public static RgbImage Draw(TsneFigure figure)
    {
        var image = new RgbImage(figure.Width, figure.Height);
        image.Pixels.AsSpan().Fill(255);
        var frame = (R: (byte)0x99, G: (byte)0x99, B: (byte)0x99);
        for (int row = 0; row < figure.Rows.Count; row++)
        {
            var pixels = figure.PanelPixels(row);
            for (int column = 0; column < 2; column++)
            {
                var (x0, y0) = figure.PanelOrigin(row, column);
                Frame(image, x0, y0, TsneFigure.Panel, frame);
                for (int i = 0; i < pixels.Count; i++)
                    Disc(image, x0 + pixels[i].X, y0 + pixels[i].Y, Colour(figure.Series(row, column, i)));
                foreach (var (x, y, series, _) in figure.LegendEntries(row, column))
                    Fill(image, x, y, 10, 10, Colour(series));
            }
        }
        return image;
    }

    static (byte R, byte G, byte B) Colour(int series)
    {
        string hex = SvgStyle.Colour(series);
        byte Channel(int at) => byte.Parse(hex.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (Channel(1), Channel(3), Channel(5));
    }

    static void Set(RgbImage image, int x, int y, (byte R, byte G, byte B) colour)
    {
        if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) return;
        int at = 3 * (y * image.Width + x);
        (image.Pixels[at], image.Pixels[at + 1], image.Pixels[at + 2]) = colour;
    }

    /// <summary>Every pixel whose centre lies within <see cref="Radius"/> of (cx, cy).</summary>
    static void Disc(RgbImage image, double cx, double cy, (byte, byte, byte) colour)
    {
        for (int y = (int)Math.Floor(cy - Radius); y <= (int)Math.Ceiling(cy + Radius); y++)
            for (int x = (int)Math.Floor(cx - Radius); x <= (int)Math.Ceiling(cx + Radius); x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                if (dx * dx + dy * dy <= Radius * Radius) Set(image, x, y, colour);
            }
    }

    static void Frame(RgbImage image, int x0, int y0, int size, (byte, byte, byte) colour)
    {
        for (int i = 0; i <= size; i++)
        {
            Set(image, x0 + i, y0, colour);
            Set(image, x0 + i, y0 + size, colour);
            Set(image, x0, y0 + i, colour);
            Set(image, x0 + size, y0 + i, colour);
        }
    }

    static void Fill(RgbImage image, int x0, int y0, int width, int height, (byte, byte, byte) colour)
    {
        for (int y = y0; y < y0 + height; y++)
            for (int x = x0; x < x0 + width; x++) Set(image, x, y, colour);
    }
}
