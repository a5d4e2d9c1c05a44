namespace Explain.Imaging.Preprocessing;

/// <summary>
/// Pillow's separable resampler for 8-bit images (libImaging/Resample.c, Pillow 9): weights in
/// double, normalised per output pixel, then rounded to 22-bit fixed point; a horizontal pass
/// rounds to uint8 before the vertical pass, exactly as PIL does, so outputs match PIL's bytes.
/// A window of the output can be computed alone (as Pillow's <c>box</c> does for the source):
/// every output pixel depends only on its own coefficients, so the window's bytes equal the
/// same rectangle of the full resize, and the cost and memory are those of the window.
/// </summary>
internal static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Coefficient tables beyond this many entries mean a degenerate scale; refused before allocating.</summary>
    private const long MaxCoefficients = 1L << 26;

    public static RgbImage Resize(RgbImage src, int width, int height, ResampleFilter filter) =>
        ResizeWindow(src, width, height, filter, 0, 0, width, height);

    /// <summary>
    /// The rectangle [left, left + windowWidth) × [top, top + windowHeight) of <paramref name="src"/>
    /// resized to <paramref name="width"/> × <paramref name="height"/>, without the rest.
    /// </summary>
    public static RgbImage ResizeWindow(RgbImage src, int width, int height, ResampleFilter filter, int left, int top, int windowWidth, int windowHeight)
    {
        if (left < 0 || top < 0 || windowWidth <= 0 || windowHeight <= 0 || left > width - windowWidth || top > height - windowHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(left), $"window {windowWidth}x{windowHeight}+{left}+{top} is not inside {width}x{height}.");
        }

        // Source rows the vertical pass reads: the horizontal pass runs on those alone.
        int rowFirst = top, rowCount = windowHeight;
        (int[] Bounds, int[] Weights, int Taps)? vertical = null;
        if (height != src.Height)
        {
            var v = Coefficients(src.Height, height, filter, top, windowHeight);
            rowFirst = v.Bounds[0];
            rowCount = v.Bounds[2 * (windowHeight - 1)] + v.Bounds[2 * windowHeight - 1] - rowFirst;
            vertical = v;
        }

        var rows = width != src.Width
            ? Horizontal(src, rowFirst, rowCount, Coefficients(src.Width, width, filter, left, windowWidth))
            : CopyRect(src, left, rowFirst, windowWidth, rowCount);
        return vertical is { } vc ? Vertical(rows, rowFirst, windowHeight, vc) : rows;
    }

    private static RgbImage CopyRect(RgbImage src, int left, int top, int width, int height)
    {
        var dst = new byte[3L * width * height];
        for (int y = 0; y < height; y++)
        {
            Array.Copy(src.Pixels, ((long)(top + y) * src.Width + left) * 3, dst, 3L * y * width, 3L * width);
        }

        return new RgbImage(width, height, dst);
    }

    private static RgbImage Horizontal(RgbImage src, int rowFirst, int rowCount, (int[] Bounds, int[] Weights, int Taps) c)
    {
        int width = c.Bounds.Length / 2;
        var dst = new byte[3L * width * rowCount];
        var s = src.Pixels;
        for (int y = 0; y < rowCount; y++)
        {
            int rowStart = (rowFirst + y) * src.Width * 3;
            for (int x = 0; x < width; x++)
            {
                int first = c.Bounds[2 * x], count = c.Bounds[2 * x + 1];
                var k = c.Weights.AsSpan(x * c.Taps, count);
                int start = rowStart + first * 3;
                for (int ch = 0; ch < 3; ch++)
                {
                    int acc = 1 << (PrecisionBits - 1);
                    for (int t = 0, si = start + ch; t < count; t++, si += 3)
                    {
                        acc += s[si] * k[t];
                    }

                    dst[(y * width + x) * 3 + ch] = Clip8(acc);
                }
            }
        }

        return new RgbImage(width, rowCount, dst);
    }

    private static RgbImage Vertical(RgbImage src, int rowFirst, int height, (int[] Bounds, int[] Weights, int Taps) c)
    {
        int width = src.Width, step = 3 * width;
        var dst = new byte[3L * width * height];
        var s = src.Pixels;
        for (int y = 0; y < height; y++)
        {
            int first = c.Bounds[2 * y] - rowFirst, count = c.Bounds[2 * y + 1];
            var k = c.Weights.AsSpan(y * c.Taps, count);
            for (int x = 0; x < width; x++)
            {
                int start = first * step + x * 3;
                for (int ch = 0; ch < 3; ch++)
                {
                    int acc = 1 << (PrecisionBits - 1);
                    for (int t = 0, si = start + ch; t < count; t++, si += step)
                    {
                        acc += s[si] * k[t];
                    }

                    dst[(y * width + x) * 3 + ch] = Clip8(acc);
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

    /// <summary>
    /// For output pixels [first, first + count) of an inSize → outSize resize: first source index,
    /// tap count, and fixed-point weights, indexed from <paramref name="first"/>.
    /// </summary>
    private static (int[] Bounds, int[] Weights, int Taps) Coefficients(int inSize, int outSize, ResampleFilter filter, int first, int count)
    {
        double support = Support(filter);
        // NOTE the order and form of each floating-point step follows Resample.c, because the
        // weights are rounded to fixed point and a one-ulp difference can flip a rounding.
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        int taps = (int)Math.Min(Math.Ceiling(support) * 2 + 1, inSize + 2.0);
        if ((long)taps * count > MaxCoefficients)
        {
            throw new ImageLimitException($"Resizing {inSize} to {outSize} pixels needs {(long)taps * count} filter coefficients; the limit is {MaxCoefficients}.");
        }

        var bounds = new int[2 * count];
        var weights = new int[count * taps];
        var w = new double[taps];
        double ss = 1.0 / filterScale;
        for (int o = 0; o < count; o++)
        {
            double center = (first + o + 0.5) * scale;
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
                weights[o * taps + x] = (int)(k < 0 ? -0.5 + k * (1 << PrecisionBits) : 0.5 + k * (1 << PrecisionBits));
            }

            bounds[2 * o] = xmin;
            bounds[2 * o + 1] = xmax;
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
