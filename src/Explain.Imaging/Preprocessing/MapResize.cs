namespace Explain.Imaging.Preprocessing;

/// <summary>Bilinear resizing of a single-channel float map (row-major h × w → H × W).</summary>
public static class MapResize
{
    /// <summary>
    /// Half-pixel centres (align_corners = false): source = (dst + 0.5)·in/out − 0.5, clamped at 0,
    /// as torch F.interpolate(mode="bilinear") and cv2.resize(INTER_LINEAR) compute it.
    /// </summary>
    public static float[] Bilinear(float[] src, int h, int w, int height, int width) =>
        Resize(src, h, w, height, width, alignCorners: false);

    /// <summary>
    /// Corner-aligned (align_corners = true): source = dst·(in − 1)/(out − 1), as torch
    /// F.interpolate(..., align_corners=True); Score-CAM's masks use it.
    /// </summary>
    public static float[] BilinearAlignCorners(float[] src, int h, int w, int height, int width) =>
        Resize(src, h, w, height, width, alignCorners: true);

    private static float[] Resize(float[] src, int h, int w, int height, int width, bool alignCorners)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (src.Length != h * w || h <= 0 || w <= 0 || height <= 0 || width <= 0)
        {
            throw new ArgumentException($"Map of {src.Length} values is not {h}x{w}, or the target size is empty.");
        }

        var (y0, y1, fy) = Axis(h, height, alignCorners);
        var (x0, x1, fx) = Axis(w, width, alignCorners);
        var dst = new float[height * width];
        for (int y = 0; y < height; y++)
        {
            int r0 = y0[y] * w, r1 = y1[y] * w;
            float ly = fy[y];
            for (int x = 0; x < width; x++)
            {
                float lx = fx[x];
                float top = (1 - lx) * src[r0 + x0[x]] + lx * src[r0 + x1[x]];
                float bottom = (1 - lx) * src[r1 + x0[x]] + lx * src[r1 + x1[x]];
                dst[y * width + x] = (1 - ly) * top + ly * bottom;
            }
        }

        return dst;
    }

    /// <summary>Per output index: the two source indices and the weight of the second, in float32 as torch.</summary>
    private static (int[] I0, int[] I1, float[] Lambda) Axis(int inSize, int outSize, bool alignCorners)
    {
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var lambda = new float[outSize];
        float scale = alignCorners
            ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
            : (float)inSize / outSize;
        for (int o = 0; o < outSize; o++)
        {
            float source = alignCorners ? scale * o : Math.Max(scale * (o + 0.5f) - 0.5f, 0f);
            int lo = Math.Min((int)source, inSize - 1);
            i0[o] = lo;
            i1[o] = lo < inSize - 1 ? lo + 1 : lo;
            lambda[o] = source - lo;
        }

        return (i0, i1, lambda);
    }
}
