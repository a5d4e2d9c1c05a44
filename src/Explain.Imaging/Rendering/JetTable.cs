namespace Explain.Imaging.Rendering;

/// <summary>
/// OpenCV's COLORMAP_JET, the map pytorch-grad-cam paints with (cv2.applyColorMap). It is the
/// Octave/MATLAB jet: r = clamp(min(4x − 1.5, 4.5 − 4x)), g the same shifted by 1/4, b by 1/2,
/// sampled at x = i/255. Every ramp value lands on a half level after ×255, so the 8-bit table
/// depends on float rounding; this reproduces OpenCV's arithmetic (float32 table, its interp1
/// over linspace(0, 1, 256), scaling by 255 and round-half-even) to get its exact bytes.
/// (matplotlib's "jet" has different breakpoints; it is not this map.)
/// </summary>
internal static class JetTable
{
    public static byte[] Build()
    {
        var lut = new byte[256 * 3];
        var knots = Linspace256();
        Channel(lut, 0, knots, offset: 382.5, end: 1147.5);
        Channel(lut, 1, knots, offset: 127.5, end: 892.5);
        Channel(lut, 2, knots, offset: -127.5, end: 637.5);
        return lut;
    }

    /// <summary>OpenCV linspace: x0 + i · step with step = (x1 − x0)/(n − 1), all in float32.</summary>
    private static float[] Linspace256()
    {
        var x = new float[256];
        float step = 1f / 255f;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i * step;
        }

        return x;
    }

    private static void Channel(byte[] lut, int channel, float[] x, double offset, double end)
    {
        var y = new float[256];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)Math.Clamp(Math.Min(4.0 * i - offset, end - 4.0 * i) / 255.0, 0.0, 1.0);
        }

        for (int i = 0; i < y.Length; i++)
        {
            // NOTE interp1 at a knot: y[lo] + (x − x[lo])·(y[hi] − y[lo])/(x[hi] − x[lo]),
            // each step rounded to float, as OpenCV evaluates it; not simply y[i].
            float v = i == 0 ? y[0] : y[i - 1] + (x[i] - x[i - 1]) * (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
            float scaled = v * 255f;
            lut[i * 3 + channel] = (byte)Math.Clamp(MathF.Round(scaled, MidpointRounding.ToEven), 0f, 255f);
        }
    }
}
