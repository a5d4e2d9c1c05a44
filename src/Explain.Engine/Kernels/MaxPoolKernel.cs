using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Explain.Engine.Kernels;

// Max pooling of one H×W plane. Max is separable, so each output row first takes the SIMD
// element-wise maximum of its window's input rows, then a short strided scan per output. NaN
// propagates (IEEE 754-2019 maximum, as PyTorch); padding never wins. The argmax is the first
// maximal tap in row-major window order (PyTorch's tie rule): the row pass records per column
// the first row reaching the maximum, and the scan prefers the smallest such row, then column.
internal static class MaxPoolKernel
{
    // y[o] = max over the window of o; when argmax is not empty, argmax[o] = the winning tap's index
    // in the plane (−1 for a window with no input taps). rows and rowArgs hold at least w.In values.
    public static void Forward(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, Span<float> y, Span<int> argmax, Span<float> rows, Span<int> rowArgs)
    {
        rows = rows[..w.In];
        var (interiorFirst, interiorLast) = w.Interior();
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            int top = h.Start(oh);
            var yRow = y.Slice(oh * w.Out, w.Out);
            if (kh0 == kh1)
            {
                yRow.Fill(float.NegativeInfinity);
                if (!argmax.IsEmpty)
                    argmax.Slice(oh * w.Out, w.Out).Fill(-1);
                continue;
            }
            x.Slice((top + kh0 * h.Dilation) * w.In, w.In).CopyTo(rows);
            for (int kh = kh0 + 1; kh < kh1; kh++)
                TensorPrimitives.Max(rows, x.Slice((top + kh * h.Dilation) * w.In, w.In), rows);
            for (int ow = 0; ow < w.Out; ow++)
            {
                var (k0, k1) = ow >= interiorFirst && ow <= interiorLast ? (0, w.Kernel) : w.Taps(ow);
                int left = w.Start(ow);
                float best = float.NegativeInfinity;
                for (int k = k0; k < k1; k++)
                    best = MathF.Max(best, rows[left + k * w.Dilation]);
                yRow[ow] = best;
            }
            if (!argmax.IsEmpty)
                MaxPoolArgmax.Row(x, h, w, oh, yRow, argmax.Slice(oh * w.Out, w.Out), rows, rowArgs[..w.In]);
        }
    }

    // dx[argmax[o]] += g[o]: each output's gradient goes to the tap that won (dx is not cleared).
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<int> argmax, Span<float> dx)
    {
        for (int o = 0; o < g.Length; o++)
            if (argmax[o] >= 0)
                dx[argmax[o]] += g[o];
    }
}
