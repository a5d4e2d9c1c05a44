using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;

namespace Explain.Imaging.Tests.Reference;

/// <summary>
/// HeatmapOverlay.Render as first written: sample, look up and blend each pixel directly in
/// float32. The optimised renderer must reproduce it bit for bit.
/// </summary>
internal static class ScalarOverlay
{
    public static byte[] Render(RgbImage image, float[] map, int mapHeight, int mapWidth,
        CropFootprint footprint, Colormap colormap, float imageWeight)
    {
        var (xi, xInside) = Project(image.Width, footprint.Left, footprint.Width, mapWidth);
        var (yi, yInside) = Project(image.Height, footprint.Top, footprint.Height, mapHeight);
        var heat = new short[image.Width * image.Height];
        var src = image.Pixels;
        float max = 0f;
        for (int y = 0, p = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++, p++)
            {
                heat[p] = xInside[x] && yInside[y] ? (short)Colormap.IndexOf(Sample(map, mapWidth, xi[x], yi[y])) : (short)-1;
                for (int c = 0; c < 3; c++)
                {
                    max = MathF.Max(max, Blend(colormap, heat[p], c, src[p * 3 + c], imageWeight));
                }
            }
        }

        var pixels = new byte[src.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            float cam = Blend(colormap, heat[i / 3], i % 3, src[i], imageWeight);
            pixels[i] = max > 0f ? (byte)Math.Clamp(255f * (cam / max), 0f, 255f) : (byte)0;
        }

        return pixels;
    }

    private static float Blend(Colormap colormap, int entry, int channel, byte pixel, float imageWeight)
    {
        float h = entry < 0 ? 0f : colormap.Channel(entry, channel) / 255f;
        return (1f - imageWeight) * h + imageWeight * (pixel / 255f);
    }

    private static (double[] Coordinate, bool[] Inside) Project(int size, double start, double extent, int n)
    {
        var coordinate = new double[size];
        var inside = new bool[size];
        for (int x = 0; x < size; x++)
        {
            double centre = x + 0.5;
            inside[x] = centre >= start && centre < start + extent;
            coordinate[x] = Math.Clamp((centre - start) / extent * n - 0.5, 0.0, n - 1);
        }

        return (coordinate, inside);
    }

    private static float Sample(float[] map, int width, double u, double v)
    {
        int height = map.Length / width;
        int x0 = (int)u, y0 = (int)v;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        float fx = (float)(u - x0), fy = (float)(v - y0);
        float top = (1 - fx) * map[y0 * width + x0] + fx * map[y0 * width + x1];
        float bottom = (1 - fx) * map[y1 * width + x0] + fx * map[y1 * width + x1];
        return (1 - fy) * top + fy * bottom;
    }
}
