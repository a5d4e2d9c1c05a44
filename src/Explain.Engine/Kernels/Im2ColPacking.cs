using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Packs B panels of a convolution straight from the input image ("implicit GEMM"): the KH·KW-times
/// larger column matrix is never written and read back, and each thread lowers only the columns it
/// multiplies. Within a panel, columns of one output row read one input run (contiguous at stride 1),
/// so each (panel, depth row) is a few clipped copies.
/// </summary>
internal static unsafe class Im2ColPacking
{
    /// <summary>Packs depth rows [pc, pc+kc) × columns [jc, jc+nc) into Nr-column panels (layout of <see cref="GemmPacking.PackB"/>).</summary>
    public static void PackB(in Im2ColView v, int pc, int kc, int jc, int nc, float* dst)
    {
        int nr = GemmBlocking.Nr, taps = v.KernelHeight * v.KernelWidth, plane = v.Height * v.Width;
        // Per depth row: its channel plane and kernel-tap offsets, decoded once per block, not per panel.
        int* channel = stackalloc int[kc];
        int* tapRow = stackalloc int[kc];
        int* tapCol = stackalloc int[kc];
        for (int p = 0; p < kc; p++)
        {
            int row = pc + p, tap = row % taps;
            channel[p] = row / taps * plane;
            tapRow[p] = tap / v.KernelWidth * v.DilationHeight;
            tapCol[p] = tap % v.KernelWidth * v.DilationWidth;
        }
        // Per panel: runs of columns sharing an output row; at most Nr runs.
        int* runStart = stackalloc int[nr + 1];
        int* runRow = stackalloc int[nr];
        int* runCol = stackalloc int[nr];
        for (int j0 = 0; j0 < nc; j0 += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - j0), runs = 0;
            for (int j = 0, column = jc + j0; j < cols;)
            {
                int oh = column / v.OutWidth, ow = column % v.OutWidth;
                int length = Math.Min(cols - j, v.OutWidth - ow);
                (runStart[runs], runRow[runs], runCol[runs]) = (j, oh * v.StrideHeight - v.PadTop, ow * v.StrideWidth - v.PadLeft);
                runs++;
                j += length;
                column += length;
            }
            runStart[runs] = cols;

            for (int p = 0; p < kc; p++)
            {
                float* src = v.X + channel[p];
                float* d = dst + p * nr;
                for (int r = 0; r < runs; r++)
                {
                    int ih = runRow[r] + tapRow[p], iw = runCol[r] + tapCol[p];
                    CopyClipped(src + (nint)ih * v.Width, (uint)ih < (uint)v.Height, iw, v.StrideWidth, v.Width, d + runStart[r], runStart[r + 1] - runStart[r]);
                }
                for (int j = cols; j < nr; j++)
                    d[j] = 0f;
            }
        }
    }

    /// <summary>
    /// d[j] = line[iw + j·stride] for j &lt; length, 0 where that column lies outside [0, width)
    /// (or everywhere when the row is padding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyClipped(float* line, bool rowInside, int iw, int stride, int width, float* d, int length)
    {
        // Columns j with 0 ≤ iw + j·stride < width: j ≥ ceil(−iw / stride) and j < ceil((width − iw) / stride).
        int lo = rowInside ? Math.Clamp(CeilDiv(-iw, stride), 0, length) : length;
        int hi = rowInside ? Math.Clamp(CeilDiv(width - iw, stride), lo, length) : length;
        for (int j = 0; j < lo; j++)
            d[j] = 0f;
        if (stride == 1)
            Copy(line + iw + lo, d + lo, hi - lo);
        else
            for (int j = lo; j < hi; j++)
                d[j] = line[iw + j * stride];
        for (int j = hi; j < length; j++)
            d[j] = 0f;
    }

    /// <summary>Runs are at most Nr floats: inline vector moves beat a memmove call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* source, float* destination, int count)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j <= count - 16; j += 16)
                Vector512.Load(source + j).Store(destination + j);
        if (Vector256.IsHardwareAccelerated)
            for (; j <= count - 8; j += 8)
                Vector256.Load(source + j).Store(destination + j);
        for (; j < count; j++)
            destination[j] = source[j];
    }

    /// <summary>Ceiling division for a positive divisor and any sign of numerator.</summary>
    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
