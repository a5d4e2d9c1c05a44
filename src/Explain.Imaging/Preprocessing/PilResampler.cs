namespace Explain.Imaging.Preprocessing;

/// <summary>
/// Pillow's separable resampler for 8-bit images (libImaging/Resample.c, Pillow 9): weights in
/// double, normalised per output pixel, then rounded to 22-bit fixed point; a horizontal pass
/// rounds to uint8 before the vertical pass, exactly as PIL does, so outputs match PIL's bytes.
/// </summary>
internal static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static RgbImage Resize(RgbImage src, int width, int height, ResampleFilter filter)
    {
        var image = src;
        if (width != src.Width)
        {
            var (bounds, weights, taps) = Coefficients(src.Width, width, filter);
            image = Pass(image, width, image.Height, bounds, weights, taps, horizontal: true);
        }

        if (height != src.Height)
        {
            var (bounds, weights, taps) = Coefficients(src.Height, height, filter);
            image = Pass(image, image.Width, height, bounds, weights, taps, horizontal: false);
        }

        return ReferenceEquals(image, src) ? new RgbImage(src.Width, src.Height, (byte[])src.Pixels.Clone()) : image;
    }

    private static RgbImage Pass(RgbImage src, int width, int height, int[] bounds, int[] weights, int taps, bool horizontal)
    {
        var dst = new byte[3L * width * height];
        var s = src.Pixels;
        int sourceStep = horizontal ? 3 : 3 * src.Width;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int o = horizontal ? x : y;
                int first = bounds[2 * o], count = bounds[2 * o + 1];
                var k = weights.AsSpan(o * taps, count);
                int start = horizontal ? (y * src.Width + first) * 3 : (first * src.Width + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    int acc = 1 << (PrecisionBits - 1);
                    for (int t = 0, si = start + c; t < count; t++, si += sourceStep)
                    {
                        acc += s[si] * k[t];
                    }

                    dst[(y * width + x) * 3 + c] = Clip8(acc);
                }
            }
        }

        return new RgbImage(width, height, dst);
    }

    private static byte Clip8(int acc)
    {
        if (acc >= 255 << PrecisionBits)
        {
            return 255;
        }

        return acc <= 0 ? (byte)0 : (byte)(acc >> PrecisionBits);
    }

    /// <summary>Per output pixel: first source index, tap count, and fixed-point weights.</summary>
    private static (int[] Bounds, int[] Weights, int Taps) Coefficients(int inSize, int outSize, ResampleFilter filter)
    {
        double support = Support(filter);
        // NOTE the order and form of each floating-point step follows Resample.c, because the
        // weights are rounded to fixed point and a one-ulp difference can flip a rounding.
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[2 * outSize];
        var weights = new int[outSize * taps];
        var w = new double[taps];
        double ss = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double sum = 0;
            for (int x = 0; x < xmax; x++)
            {
                w[x] = Kernel(filter, (x + xmin - center + 0.5) * ss);
                sum += w[x];
            }

            for (int x = 0; x < xmax; x++)
            {
                double k = sum != 0.0 ? w[x] / sum : w[x];
                weights[xx * taps + x] = (int)(k < 0 ? -0.5 + k * (1 << PrecisionBits) : 0.5 + k * (1 << PrecisionBits));
            }

            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }

        return (bounds, weights, taps);
    }

    private static double Support(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Bilinear => 1.0,
        ResampleFilter.Bicubic => 2.0,
        _ => 3.0,
    };

    private static double Kernel(ResampleFilter filter, double x)
    {
        x = Math.Abs(x);
        switch (filter)
        {
            case ResampleFilter.Bilinear:
                return x < 1.0 ? 1.0 - x : 0.0;
            case ResampleFilter.Bicubic:
                const double a = -0.5;
                if (x < 1.0)
                {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }

                return x < 2.0 ? (((x - 5) * x + 8) * x - 4) * a : 0.0;
            default:
                return x < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;
        }
    }

    private static double Sinc(double x) => x == 0.0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
}
