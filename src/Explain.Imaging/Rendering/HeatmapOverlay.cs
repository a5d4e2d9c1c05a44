using System.Numerics;
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
        var sampler = new OverlaySampler(image.Width, image.Height, map, mapHeight, mapWidth, footprint);
        var terms = new BlendTerms(colormap, imageWeight);
        int width = image.Width, stride = 3 * width;
        var heat = new short[width * image.Height]; // colormap entry per pixel, −1 = no heat
        var cam = new float[stride];
        var src = image.Pixels;
        float max = 0f;
        for (int y = 0; y < image.Height; y++)
        {
            var entries = heat.AsSpan(y * width, width);
            sampler.Entries(y, entries);
            terms.Blend(entries, src.AsSpan(y * stride, stride), cam);
            max = MaxOf(cam, max);
        }

        // The second pass recomputes the blend (three look-ups a pixel) rather than keeping a float
        // per channel: at original resolution that buffer would be 12 bytes a pixel.
        var pixels = new byte[src.Length];
        if (max > 0f)
        {
            for (int y = 0; y < image.Height; y++)
            {
                terms.Blend(heat.AsSpan(y * width, width), src.AsSpan(y * stride, stride), cam);
                Quantize(cam, max, pixels.AsSpan(y * stride, stride));
            }
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

    /// <summary>Largest of max and the values; they are finite and non-negative, so Max needs no NaN or −0 care.</summary>
    private static float MaxOf(ReadOnlySpan<float> values, float max)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var lanes = new Vector<float>(max);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                lanes = Vector.Max(lanes, new Vector<float>(values[i..]));
            }

            for (int k = 0; k < Vector<float>.Count; k++)
            {
                max = MathF.Max(max, lanes[k]);
            }
        }

        for (; i < values.Length; i++)
        {
            max = MathF.Max(max, values[i]);
        }

        return max;
    }

    /// <summary>uint8(255 · (cam / max)), clamped to 0–255 and truncated, as NumPy's float32 does.</summary>
    private static void Quantize(ReadOnlySpan<float> cam, float max, Span<byte> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int n = Vector<float>.Count;
            Vector<float> scale = new(255f), divisor = new(max), high = new(255f);
            for (; i <= cam.Length - 4 * n; i += 4 * n)
            {
                var q0 = Level(new Vector<float>(cam[i..]), divisor, scale, high);
                var q1 = Level(new Vector<float>(cam[(i + n)..]), divisor, scale, high);
                var q2 = Level(new Vector<float>(cam[(i + 2 * n)..]), divisor, scale, high);
                var q3 = Level(new Vector<float>(cam[(i + 3 * n)..]), divisor, scale, high);
                Vector.Narrow(Vector.Narrow(q0, q1), Vector.Narrow(q2, q3)).CopyTo(dst[i..]);
            }
        }

        for (; i < cam.Length; i++)
        {
            dst[i] = (byte)Math.Clamp(255f * (cam[i] / max), 0f, 255f);
        }
    }

    private static Vector<uint> Level(Vector<float> cam, Vector<float> max, Vector<float> scale, Vector<float> high) =>
        Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max(scale * (cam / max), Vector<float>.Zero), high)));
}
