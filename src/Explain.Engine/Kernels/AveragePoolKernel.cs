namespace Explain.Engine.Kernels;

/// <summary>
/// Average pooling of one H×W plane. The divisor counts the taps inside the input, or with
/// count_include_pad the taps inside the padded input: ceil_mode windows reaching past the end
/// padding are clipped, as in the ONNX reference and PyTorch (test_averagepool_2d_ceil).
/// </summary>
internal static class AveragePoolKernel
{
    public static void Forward(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, bool countIncludePad, Span<float> y)
    {
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            int top = h.Start(oh);
            for (int ow = 0; ow < w.Out; ow++)
            {
                var (kw0, kw1) = w.Taps(ow);
                int left = w.Start(ow);
                float sum = 0;
                for (int kh = kh0; kh < kh1; kh++)
                {
                    int row = (top + kh * h.Dilation) * w.In + left;
                    for (int kw = kw0; kw < kw1; kw++)
                        sum += x[row + kw * w.Dilation];
                }
                int divisor = Divisor(h, w, oh, ow, countIncludePad, kh1 - kh0, kw1 - kw0);
                y[oh * w.Out + ow] = divisor == 0 ? 0 : sum / divisor;
            }
        }
    }

    /// <summary>dx[tap] += g[o] / divisor(o) for every input tap of every window (dx is not cleared).</summary>
    public static void Backward(ReadOnlySpan<float> g, in PoolAxis h, in PoolAxis w, bool countIncludePad, Span<float> dx)
    {
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            int top = h.Start(oh);
            for (int ow = 0; ow < w.Out; ow++)
            {
                var (kw0, kw1) = w.Taps(ow);
                int divisor = Divisor(h, w, oh, ow, countIncludePad, kh1 - kh0, kw1 - kw0);
                if (divisor == 0)
                    continue;
                float share = g[oh * w.Out + ow] / divisor;
                int left = w.Start(ow);
                for (int kh = kh0; kh < kh1; kh++)
                {
                    int row = (top + kh * h.Dilation) * w.In + left;
                    for (int kw = kw0; kw < kw1; kw++)
                        dx[row + kw * w.Dilation] += share;
                }
            }
        }
    }

    private static int Divisor(in PoolAxis h, in PoolAxis w, int oh, int ow, bool countIncludePad, int tapsH, int tapsW) =>
        countIncludePad ? h.PaddedTaps(oh) * w.PaddedTaps(ow) : tapsH * tapsW;
}
