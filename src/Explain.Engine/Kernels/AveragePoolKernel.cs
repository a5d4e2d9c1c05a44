using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Explain.Engine.Kernels;

// Average pooling of one H×W plane. The window sum is separable: the window's input rows are
// added with SIMD, then each output sums a few strided taps of that row. The divisor counts the
// taps inside the input, or with count_include_pad the taps inside the padded input: ceil_mode
// windows reaching past the end padding are clipped, as in the ONNX reference and PyTorch
// (test_averagepool_2d_ceil). Backward runs the same two steps transposed.
internal static class AveragePoolKernel
{
    // rowBuffer holds at least w.In floats.
    public static void Forward(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, bool countIncludePad, Span<float> y, Span<float> rowBuffer)
    {
        var rows = rowBuffer[..w.In];
        var (interiorFirst, interiorLast) = w.Interior();
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            int top = h.Start(oh);
            rows.Clear();
            for (int kh = kh0; kh < kh1; kh++)
                TensorPrimitives.Add(rows, x.Slice((top + kh * h.Dilation) * w.In, w.In), rows);
            for (int ow = 0; ow < w.Out; ow++)
            {
                var (kw0, kw1) = ow >= interiorFirst && ow <= interiorLast ? (0, w.Kernel) : w.Taps(ow);
                int left = w.Start(ow);
                float sum = 0;
                for (int kw = kw0; kw < kw1; kw++)
                    sum += rows[left + kw * w.Dilation];
                int divisor = Divisor(h, w, oh, ow, countIncludePad, kh1 - kh0, kw1 - kw0);
                y[oh * w.Out + ow] = divisor == 0 ? 0 : sum / divisor;
            }
        }
    }

    // dx[tap] += g[o] / divisor(o) for every input tap of every window (dx is not cleared). rowBuffer holds at least w.In floats.
    public static void Backward(ReadOnlySpan<float> g, in PoolAxis h, in PoolAxis w, bool countIncludePad, Span<float> dx, Span<float> rowBuffer)
    {
        var rows = rowBuffer[..w.In];
        var (interiorFirst, interiorLast) = w.Interior();
        for (int oh = 0; oh < h.Out; oh++)
        {
            var (kh0, kh1) = h.Taps(oh);
            if (kh0 == kh1)
                continue;
            rows.Clear();
            for (int ow = 0; ow < w.Out; ow++)
            {
                var (kw0, kw1) = ow >= interiorFirst && ow <= interiorLast ? (0, w.Kernel) : w.Taps(ow);
                int divisor = Divisor(h, w, oh, ow, countIncludePad, kh1 - kh0, kw1 - kw0);
                if (divisor == 0)
                    continue;
                float share = g[oh * w.Out + ow] / divisor;
                int left = w.Start(ow);
                for (int kw = kw0; kw < kw1; kw++)
                    rows[left + kw * w.Dilation] += share;
            }
            int top = h.Start(oh);
            for (int kh = kh0; kh < kh1; kh++)
            {
                var target = dx.Slice((top + kh * h.Dilation) * w.In, w.In);
                TensorPrimitives.Add(target, rows, target);
            }
        }
    }

    private static int Divisor(in PoolAxis h, in PoolAxis w, int oh, int ow, bool countIncludePad, int tapsH, int tapsW) =>
        countIncludePad ? h.PaddedTaps(oh) * w.PaddedTaps(ow) : tapsH * tapsW;
}
