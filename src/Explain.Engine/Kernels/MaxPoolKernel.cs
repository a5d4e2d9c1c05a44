namespace Explain.Engine.Kernels;

/// <summary>
/// Max pooling of one H×W plane. The argmax is the first maximal tap in row-major window order
/// (PyTorch's tie rule); the first NaN tap wins, so NaN propagates as in PyTorch. Padding never wins.
/// </summary>
internal static class MaxPoolKernel
{
    /// <summary>y[o] = max over the window of o; argmax[o] = its plane index (−1 for an empty window) when argmax is not empty.</summary>
    public static void Forward(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, Span<float> y, Span<int> argmax)
    {
        bool keep = !argmax.IsEmpty;
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            int top = h.Start(oh);
            for (int ow = 0; ow < w.Out; ow++)
            {
                var (kw0, kw1) = w.Taps(ow);
                int left = w.Start(ow);
                float best = float.NegativeInfinity;
                int arg = -1;
                for (int kh = kh0; kh < kh1; kh++)
                {
                    int row = (top + kh * h.Dilation) * w.In + left;
                    for (int kw = kw0; kw < kw1; kw++)
                    {
                        int i = row + kw * w.Dilation;
                        float v = x[i];
                        if (v > best || arg < 0 || (float.IsNaN(v) && !float.IsNaN(best)))
                        {
                            best = v;
                            arg = i;
                        }
                    }
                }
                int o = oh * w.Out + ow;
                y[o] = best;
                if (keep)
                    argmax[o] = arg;
            }
        }
    }

    /// <summary>dx[argmax[o]] += g[o]: each output's gradient goes to the tap that won (dx is not cleared).</summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<int> argmax, Span<float> dx)
    {
        for (int o = 0; o < g.Length; o++)
            if (argmax[o] >= 0)
                dx[argmax[o]] += g[o];
    }
}
