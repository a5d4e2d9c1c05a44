using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Rendering;

/// <summary>
/// Paints a CAM map over the ORIGINAL image at the original resolution, with the blend of
/// pytorch-grad-cam 1.5's show_cam_on_image(img, mask, use_rgb=True, image_weight=w):
/// heat = colormap[uint8(255·mask)]/255, cam = (1 − w)·heat + w·img/255,
/// out = uint8(255 · cam / max(cam)) — note the division by the global maximum, which
/// brightens the whole picture, and the truncating casts; all of it in float32 as NumPy does.
/// </summary>
public static class HeatmapOverlay
{
    /// <summary>
    /// Overlays a map (h × w, values in [0, 1]) that covers <paramref name="footprint"/> of the
    /// image. The map is resampled bilinearly with half-pixel centres straight onto the original
    /// pixels. Pixels outside the footprint (cut away by the center crop, never seen by the model)
    /// get no heat: cam = w·img there, so they appear darkened.
    /// </summary>
    public static RgbImage Render(RgbImage image, float[] map, int mapHeight, int mapWidth,
        CropFootprint footprint, Colormap colormap, float imageWeight = 0.5f)
    {
        Validate(image, map, mapHeight, mapWidth, footprint, colormap, imageWeight);
        var (xi, xInside) = Project(image.Width, footprint.Left, footprint.Width, mapWidth);
        var (yi, yInside) = Project(image.Height, footprint.Top, footprint.Height, mapHeight);
        var heat = new short[image.Width * image.Height]; // colormap entry per pixel, −1 = no heat
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

        // Second pass recomputes the blend rather than keeping a float per channel: at original
        // resolution that buffer would be 12 bytes a pixel.
        var pixels = new byte[src.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            float cam = Blend(colormap, heat[i / 3], i % 3, src[i], imageWeight);
            pixels[i] = max > 0f ? (byte)Math.Clamp(255f * (cam / max), 0f, 255f) : (byte)0;
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>Overlay of a map at a model's input resolution, placed where the crop of <paramref name="spec"/> came from.</summary>
    public static RgbImage Render(RgbImage image, float[] map, PreprocessSpec spec, Colormap colormap, float imageWeight = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(spec);
        return Render(image, map, spec.InputHeight, spec.InputWidth, CropFootprint.For(image.Width, image.Height, spec), colormap, imageWeight);
    }

    /// <summary>Overlay of a map that covers the whole image, as show_cam_on_image assumes.</summary>
    public static RgbImage Render(RgbImage image, float[] map, int mapHeight, int mapWidth,
        Colormap colormap, float imageWeight = 0.5f) =>
        Render(image, map, mapHeight, mapWidth, CropFootprint.Full(image.Width, image.Height), colormap, imageWeight);

    private static void Validate(RgbImage image, float[] map, int mapHeight, int mapWidth,
        CropFootprint footprint, Colormap colormap, float imageWeight)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(colormap);
        if (mapHeight <= 0 || mapWidth <= 0 || map.Length != mapHeight * mapWidth)
        {
            throw new ArgumentException($"Map has {map.Length} values, not {mapHeight}x{mapWidth}.", nameof(map));
        }

        if (!(footprint.Width > 0 && footprint.Height > 0))
        {
            throw new ArgumentException($"Empty footprint {footprint}.", nameof(footprint));
        }

        if (imageWeight is < 0f or > 1f || float.IsNaN(imageWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(imageWeight), imageWeight, "image_weight must be in [0, 1].");
        }
    }

    /// <summary>(1 − w)·heat/255 + w·img/255 in float32, heat 0 where there is none.</summary>
    private static float Blend(Colormap colormap, int entry, int channel, byte pixel, float imageWeight)
    {
        float h = entry < 0 ? 0f : colormap.Channel(entry, channel) / 255f;
        return (1f - imageWeight) * h + imageWeight * (pixel / 255f);
    }

    /// <summary>Map coordinate of each output pixel centre: ((x + ½) − start)/extent · n − ½, clamped.</summary>
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
