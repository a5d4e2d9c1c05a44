using System.Numerics.Tensors;

namespace Explain.Engine.Kernels;

/// <summary>
/// The column matrix of one group's convolution lowered to GEMM (Chellapilla et al., "High
/// performance convolutional neural networks for document processing", 2006): row (c·KH + kh)·KW + kw
/// holds, for every output pixel, the input pixel that kernel tap sees (0 in the padding). Forward
/// builds it implicitly while packing (<see cref="Im2ColPacking"/>); the data gradient materializes
/// it and <see cref="Accumulate"/> (col2im) scatter-adds it back onto the input.
/// </summary>
public static class Im2Col
{
    /// <summary>dx += col2im(col) for rows [firstRow, endRow): rows of one channel touch only that channel's plane.</summary>
    public static void Accumulate(ConvGeometry g, ReadOnlySpan<float> col, Span<float> dx, int firstRow, int endRow)
    {
        int taps = g.KernelHeight * g.KernelWidth;
        for (int row = firstRow; row < endRow; row++)
        {
            int c = row / taps, kh = row % taps / g.KernelWidth, kw = row % g.KernelWidth;
            var plane = dx.Slice(c * g.InPlane, g.InPlane);
            var src = col.Slice(row * g.OutPlane, g.OutPlane);
            var (lo, hi, iw0) = ValidColumns(g, kw);
            if (lo >= hi)
                continue;
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                if ((uint)ih >= (uint)g.Height)
                    continue;
                var line = src.Slice(oh * g.OutWidth, g.OutWidth);
                var dst = plane.Slice(ih * g.Width);
                if (g.StrideWidth == 1)
                {
                    var target = dst.Slice(lo + iw0, hi - lo);
                    TensorPrimitives.Add(target, line[lo..hi], target);
                }
                else
                {
                    for (int ow = lo; ow < hi; ow++)
                        dst[ow * g.StrideWidth + iw0] += line[ow];
                }
            }
        }
    }

    /// <summary>
    /// Output columns [lo, hi) whose input column iw = ow·stride + iw0 lies inside the image, for kernel column kw.
    /// </summary>
    internal static (int Lo, int Hi, int Iw0) ValidColumns(ConvGeometry g, int kw)
    {
        int iw0 = kw * g.DilationWidth - g.PadLeft;
        int s = g.StrideWidth;
        int lo = iw0 >= 0 ? 0 : (-iw0 + s - 1) / s;
        int hi = g.Width - 1 - iw0 < 0 ? 0 : Math.Min(g.OutWidth, (g.Width - 1 - iw0) / s + 1);
        return (Math.Min(lo, g.OutWidth), Math.Max(hi, 0), iw0);
    }
}
