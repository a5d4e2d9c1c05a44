using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Copies operands into the micro-kernel's panel layout, zero-padding partial panels so the kernel
/// never branches on edges. Operands are addressed by strides, which covers transposes:
/// A(i, p) = a[i·rowStride + p·colStride], likewise B(p, j).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs all of A (m×k) block by block: the block of depth rows [pc, pc+kc) starts at pc·mPad,
    /// its panel q at q·Mr·kc, element (p, r) of a panel at p·Mr + r.
    /// </summary>
    public static void PackA(float* a, nint rowStride, nint colStride, int m, int k, float* dst, int firstPanel, int endPanel)
    {
        int mr = GemmBlocking.Mr;
        int mPad = GemmBlocking.RoundUp(m, mr);
        for (int pc = 0; pc < k; pc += GemmBlocking.Kc)
        {
            int kc = Math.Min(GemmBlocking.Kc, k - pc);
            for (int q = firstPanel; q < endPanel; q++)
            {
                float* panel = dst + (nint)pc * mPad + (nint)q * mr * kc;
                int i0 = q * mr;
                int rows = Math.Min(mr, m - i0);
                for (int r = 0; r < mr; r++)
                {
                    if (r >= rows)
                    {
                        for (int p = 0; p < kc; p++)
                            panel[p * mr + r] = 0f;
                        continue;
                    }
                    float* src = a + (i0 + r) * rowStride + pc * colStride;
                    for (int p = 0; p < kc; p++)
                        panel[p * mr + r] = src[p * colStride];
                }
            }
        }
    }

    /// <summary>Packs B's block kc×nc into Nr-column panels: panel q at q·Nr·kc, element (p, j) at p·Nr + j.</summary>
    public static void PackB(float* b, nint rowStride, nint colStride, int kc, int nc, float* dst)
    {
        int nr = GemmBlocking.Nr;
        for (int j0 = 0; j0 < nc; j0 += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - j0);
            float* src = b + j0 * colStride;
            if (colStride == 1 && cols == nr)
                CopyRows(src, rowStride, kc, dst);
            else if (rowStride == 1)
                for (int j = 0; j < nr; j++)
                    for (int p = 0; p < kc; p++)
                        dst[p * nr + j] = j < cols ? src[j * colStride + p] : 0f;
            else
                for (int p = 0; p < kc; p++)
                    for (int j = 0; j < nr; j++)
                        dst[p * nr + j] = j < cols ? src[p * rowStride + j * colStride] : 0f;
        }
    }

    /// <summary>Full panel of a row-major B: kc rows of Nr contiguous floats.</summary>
    private static void CopyRows(float* src, nint rowStride, int kc, float* dst)
    {
        int nr = GemmBlocking.Nr;
        for (int p = 0; p < kc; p++, src += rowStride, dst += nr)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512.Load(src).Store(dst);
                Vector512.Load(src + 16).Store(dst + 16);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256.Load(src).Store(dst);
                Vector256.Load(src + 8).Store(dst + 8);
            }
            else
            {
                for (int j = 0; j < nr; j++)
                    dst[j] = src[j];
            }
        }
    }
}
