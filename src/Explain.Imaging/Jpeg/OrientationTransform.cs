namespace Explain.Imaging.Jpeg;

/// <summary>
/// Turns a stored image upright for an EXIF orientation value (1–8), as PIL's
/// <c>ImageOps.exif_transpose</c> does. Each case maps an output pixel to its source pixel.
/// </summary>
internal static class OrientationTransform
{
    public static RgbImage Apply(RgbImage src, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return src;
        }

        int w = src.Width, h = src.Height;
        bool swap = ExifOrientation.SwapsAxes(orientation);
        int ow = swap ? h : w, oh = swap ? w : h;
        var dst = new byte[src.Pixels.Length];
        var s = src.Pixels;
        for (int y = 0; y < oh; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),                // mirror horizontal
                    3 => (w - 1 - x, h - 1 - y),        // rotate 180
                    4 => (x, h - 1 - y),                // mirror vertical
                    5 => (y, x),                        // transpose
                    6 => (y, h - 1 - x),                // rotate 90 clockwise
                    7 => (w - 1 - y, h - 1 - x),        // transverse
                    _ => (w - 1 - y, x),                // 8: rotate 90 counter-clockwise
                };
                int si = (sy * w + sx) * 3, di = (y * ow + x) * 3;
                dst[di] = s[si];
                dst[di + 1] = s[si + 1];
                dst[di + 2] = s[si + 2];
            }
        }

        return new RgbImage(ow, oh, dst);
    }
}
