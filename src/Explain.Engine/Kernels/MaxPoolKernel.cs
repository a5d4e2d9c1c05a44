using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Explain.Engine.Kernels;

/// <summary>
/// Max pooling of one H×W plane. Max is separable, so each output row first takes the SIMD
/// element-wise maximum of its window's input rows, then a short strided scan per output. The
/// argmax is the first maximal tap in row-major window order (PyTorch's tie rule); NaN propagates
/// (IEEE 754-2019 maximum, as PyTorch). Padding never wins.
/// </summary>
internal static class MaxPoolKernel
{
    /// <summary>
    /// y[o] = max over the window of o; when argmax is not empty, argmax[o] = the winning tap's index
    /// in the plane (−1 for a window with no input taps). rowBuffer holds at least w.In floats.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, Span<float> y, Span<int> argmax, Span<float> rowBuffer)
    {
        var rows = rowBuffer[..w.In];
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            int top = h.Start(oh);
            var yRow = y.Slice(oh * w.Out, w.Out);
            if (kh0 == kh1)
            {
                yRow.Fill(float.NegativeInfinity);
                continue;
            }
            x.Slice((top + kh0 * h.Dilation) * w.In, w.In).CopyTo(rows);
            for (int kh = kh0 + 1; kh < kh1; kh++)
                TensorPrimitives.Max(rows, x.Slice((top + kh * h.Dilation) * w.In, w.In), rows);
            ReduceRow(rows, w, yRow);
            if (!argmax.IsEmpty)
                FindArgmax(x, h, w, oh, yRow, argmax.Slice(oh * w.Out, w.Out));
        }
    }

    /// <summary>dx[argmax[o]] += g[o]: each output's gradient goes to the tap that won (dx is not cleared).</summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<int> argmax, Span<float> dx)
    {
        for (int o = 0; o < g.Length; o++)
            if (argmax[o] >= 0)
                dx[argmax[o]] += g[o];
    }

    private static void ReduceRow(ReadOnlySpan<float> rows, in PoolAxis w, Span<float> yRow)
    {
        var (interiorFirst, interiorLast) = w.Interior();
        for (int ow = 0; ow < yRow.Length; ow++)
        {
            int left = w.Start(ow);
            var (k0, k1) = ow >= interiorFirst && ow <= interiorLast ? (0, w.Kernel) : w.Taps(ow);
            float best = float.NegativeInfinity;
            for (int k = k0; k < k1; k++)
                best = MathF.Max(best, rows[left + k * w.Dilation]);
            yRow[ow] = best;
        }
    }

    private static void FindArgmax(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, int oh, ReadOnlySpan<float> yRow, Span<int> argRow)
    {
        var (kh0, kh1) = h.Taps(oh);
        int top = h.Start(oh);
        var (interiorFirst, interiorLast) = w.Interior();
        for (int ow = 0; ow < yRow.Length; ow++)
        {
            var (kw0, kw1) = ow >= interiorFirst && ow <= interiorLast ? (0, w.Kernel) : w.Taps(ow);
            int left = w.Start(ow);
            float target = yRow[ow];
            bool nan = float.IsNaN(target);
            int arg = -1;
            for (int kh = kh0; kh < kh1 && arg < 0; kh++)
            {
                int row = (top + kh * h.Dilation) * w.In + left;
                for (int kw = kw0; kw < kw1; kw++)
                {
                    float v = x[row + kw * w.Dilation];
                    if (v == target || (nan && float.IsNaN(v)))
                    {
                        arg = row + kw * w.Dilation;
                        break;
                    }
                }
            }
            argRow[ow] = arg;
        }
    }
}
