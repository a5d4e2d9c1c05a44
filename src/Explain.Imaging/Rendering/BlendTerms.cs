namespace Explain.Imaging.Rendering;

/// <summary>
/// show_cam_on_image's cam = (1 − w)·heat/255 + w·img/255 as two tables: one term per colormap
/// entry and channel (entry −1 = no heat), one per pixel byte. Each term is computed with the
/// same float32 operations as the formula, and the one addition per channel is the formula's
/// own, so the sums are bit-identical to evaluating it directly.
/// </summary>
internal sealed class BlendTerms
{
    private readonly float[] _heat = new float[257 * 3];
    private readonly float[] _image = new float[256];

    public BlendTerms(Colormap colormap, float imageWeight)
    {
        for (int entry = -1; entry < 256; entry++)
        {
            for (int c = 0; c < 3; c++)
            {
                float h = entry < 0 ? 0f : colormap.Channel(entry, c) / 255f;
                _heat[(entry + 1) * 3 + c] = (1f - imageWeight) * h;
            }
        }

        for (int pixel = 0; pixel < 256; pixel++)
        {
            _image[pixel] = imageWeight * (pixel / 255f);
        }
    }

    /// <summary>cam for one row: entries has one colormap entry per pixel, src and cam three values.</summary>
    public void Blend(ReadOnlySpan<short> entries, ReadOnlySpan<byte> src, Span<float> cam)
    {
        ReadOnlySpan<float> heat = _heat, image = _image;
        src = src[..(3 * entries.Length)];
        cam = cam[..src.Length];
        for (int x = 0, o = 0; x < entries.Length; x++, o += 3)
        {
            int e = (entries[x] + 1) * 3;
            cam[o] = heat[e] + image[src[o]];
            cam[o + 1] = heat[e + 1] + image[src[o + 1]];
            cam[o + 2] = heat[e + 2] + image[src[o + 2]];
        }
    }
}
