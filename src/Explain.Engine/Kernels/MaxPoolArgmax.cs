using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

// Argmax of one max-pooling output row with PyTorch's tie rule (first maximal tap in row-major
// window order). A vertical pass keeps, per input column, the maximum over the window's rows and
// the first row that reached it (strict >, so earlier rows win ties); the horizontal scan then
// prefers the smallest row, then the leftmost column. Windows whose maximum is NaN are rare and
// rescanned tap by tap, because comparisons cannot order NaN.
internal static class MaxPoolArgmax
{
    public static void Row(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, int oh, ReadOnlySpan<float> yRow, Span<int> argRow, Span<float> rows, Span<int> rowArgs)
    {
        var (kh0, kh1) = h.Taps(oh);
        int top = h.Start(oh);
        x.Slice((top + kh0 * h.Dilation) * w.In, w.In).CopyTo(rows);
        rowArgs.Fill(kh0);
        for (int kh = kh0 + 1; kh < kh1; kh++)
            KeepGreater(x.Slice((top + kh * h.Dilation) * w.In, w.In), kh, rows, rowArgs);

        var (interiorFirst, interiorLast) = w.Interior();
        for (int ow = 0; ow < yRow.Length; ow++)
        {
            var (kw0, kw1) = ow >= interiorFirst && ow <= interiorLast ? (0, w.Kernel) : w.Taps(ow);
            int left = w.Start(ow);
            if (float.IsNaN(yRow[ow]))
            {
                argRow[ow] = FirstNaN(x, h, w, kh0, kh1, top, left, kw0, kw1);
                continue;
            }
            float best = float.NegativeInfinity;
            int bestRow = int.MaxValue, bestColumn = -1;
            for (int kw = kw0; kw < kw1; kw++)
            {
                int column = left + kw * w.Dilation;
                float v = rows[column];
                if (bestColumn < 0 || v > best || (v == best && rowArgs[column] < bestRow))
                    (best, bestRow, bestColumn) = (v, rowArgs[column], column);
            }
            argRow[ow] = bestColumn < 0 ? -1 : (top + bestRow * h.Dilation) * w.In + bestColumn;
        }
    }

    // rows[i] = max(rows[i], src[i]) keeping the earlier row on ties; rowArgs[i] = kh where src won.
    private static void KeepGreater(ReadOnlySpan<float> src, int kh, Span<float> rows, Span<int> rowArgs)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var khs = Vector256.Create(kh);
            for (; i <= src.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(src.Slice(i, Vector256<float>.Count));
                var current = Vector256.Create((ReadOnlySpan<float>)rows.Slice(i, Vector256<float>.Count));
                var greater = Vector256.GreaterThan(v, current);
                Vector256.ConditionalSelect(greater, v, current).CopyTo(rows.Slice(i));
                var args = Vector256.Create((ReadOnlySpan<int>)rowArgs.Slice(i, Vector256<int>.Count));
                Vector256.ConditionalSelect(greater.AsInt32(), khs, args).CopyTo(rowArgs.Slice(i));
            }
        }
        for (; i < src.Length; i++)
            if (src[i] > rows[i])
                (rows[i], rowArgs[i]) = (src[i], kh);
    }

    private static int FirstNaN(ReadOnlySpan<float> x, in PoolAxis h, in PoolAxis w, int kh0, int kh1, int top, int left, int kw0, int kw1)
    {
        for (int kh = kh0; kh < kh1; kh++)
            for (int kw = kw0; kw < kw1; kw++)
            {
                int i = (top + kh * h.Dilation) * w.In + left + kw * w.Dilation;
                if (float.IsNaN(x[i]))
                    return i;
            }
        return -1;
    }
}
