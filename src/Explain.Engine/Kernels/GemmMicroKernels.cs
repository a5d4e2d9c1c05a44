using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Register-blocked micro-kernels: an Mr×Nr tile of C computed from a packed Mr-row panel of A and
/// a packed Nr-column panel of B, entirely in registers, then written once. The first K block
/// starts from the bias (or from the existing C when <c>load</c>), the last one clamps: bias and a
/// fused ReLU/Clip cost no extra pass over memory. The unrolled bodies are long by design: every
/// accumulator must be a separate local for the JIT to keep it in a register.
/// </summary>
internal static unsafe class GemmMicroKernels
{
    /// <summary>C[0..Mr, 0..Nr] (+)= Σp a[p·Mr + r]·b[p·Nr + j], with optional bias rows and clamp.</summary>
    public static void Run(float* a, float* b, int kc, float* c, nint ldc, float* bias, bool load, bool clamp, float min, float max)
    {
        if (Vector512.IsHardwareAccelerated)
            Kernel8x32(a, b, kc, c, ldc, bias, load, clamp, min, max);
        else if (Vector256.IsHardwareAccelerated)
            Kernel6x16(a, b, kc, c, ldc, bias, load, clamp, min, max);
        else
            KernelScalar(a, b, kc, c, ldc, bias, load, clamp, min, max);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(float* a, float* b, int kc, float* c, nint ldc, float* bias, bool load, bool clamp, float min, float max)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (bias != null)
        {
            c00 = c01 = Vector512.Create(bias[0]);
            c10 = c11 = Vector512.Create(bias[1]);
            c20 = c21 = Vector512.Create(bias[2]);
            c30 = c31 = Vector512.Create(bias[3]);
            c40 = c41 = Vector512.Create(bias[4]);
            c50 = c51 = Vector512.Create(bias[5]);
            c60 = c61 = Vector512.Create(bias[6]);
            c70 = c71 = Vector512.Create(bias[7]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 32;
        }

        var lo = Vector512.Create(min);
        var hi = Vector512.Create(max);
        Store512(c + 0 * ldc, c00, c01, load, clamp, lo, hi);
        Store512(c + 1 * ldc, c10, c11, load, clamp, lo, hi);
        Store512(c + 2 * ldc, c20, c21, load, clamp, lo, hi);
        Store512(c + 3 * ldc, c30, c31, load, clamp, lo, hi);
        Store512(c + 4 * ldc, c40, c41, load, clamp, lo, hi);
        Store512(c + 5 * ldc, c50, c51, load, clamp, lo, hi);
        Store512(c + 6 * ldc, c60, c61, load, clamp, lo, hi);
        Store512(c + 7 * ldc, c70, c71, load, clamp, lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(float* a, float* b, int kc, float* c, nint ldc, float* bias, bool load, bool clamp, float min, float max)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (bias != null)
        {
            c00 = c01 = Vector256.Create(bias[0]);
            c10 = c11 = Vector256.Create(bias[1]);
            c20 = c21 = Vector256.Create(bias[2]);
            c30 = c31 = Vector256.Create(bias[3]);
            c40 = c41 = Vector256.Create(bias[4]);
            c50 = c51 = Vector256.Create(bias[5]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }

        var lo = Vector256.Create(min);
        var hi = Vector256.Create(max);
        Store256(c + 0 * ldc, c00, c01, load, clamp, lo, hi);
        Store256(c + 1 * ldc, c10, c11, load, clamp, lo, hi);
        Store256(c + 2 * ldc, c20, c21, load, clamp, lo, hi);
        Store256(c + 3 * ldc, c30, c31, load, clamp, lo, hi);
        Store256(c + 4 * ldc, c40, c41, load, clamp, lo, hi);
        Store256(c + 5 * ldc, c50, c51, load, clamp, lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> x0, Vector512<float> x1, bool load, bool clamp, Vector512<float> lo, Vector512<float> hi)
    {
        if (load)
        {
            x0 += Vector512.Load(c);
            x1 += Vector512.Load(c + 16);
        }
        if (clamp)
        {
            x0 = Vector512.MinNative(Vector512.MaxNative(x0, lo), hi);
            x1 = Vector512.MinNative(Vector512.MaxNative(x1, lo), hi);
        }
        x0.Store(c);
        x1.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> x0, Vector256<float> x1, bool load, bool clamp, Vector256<float> lo, Vector256<float> hi)
    {
        if (load)
        {
            x0 += Vector256.Load(c);
            x1 += Vector256.Load(c + 8);
        }
        if (clamp)
        {
            x0 = Vector256.MinNative(Vector256.MaxNative(x0, lo), hi);
            x1 = Vector256.MinNative(Vector256.MaxNative(x1, lo), hi);
        }
        x0.Store(c);
        x1.Store(c + 8);
    }

    private static void KernelScalar(float* a, float* b, int kc, float* c, nint ldc, float* bias, bool load, bool clamp, float min, float max)
    {
        const int mr = 4, nr = 4;
        float* acc = stackalloc float[mr * nr];
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++)
                acc[r * nr + j] = bias != null ? bias[r] : 0f;
        for (int p = 0; p < kc; p++, a += mr, b += nr)
            for (int r = 0; r < mr; r++)
                for (int j = 0; j < nr; j++)
                    acc[r * nr + j] += a[r] * b[j];
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++)
            {
                float v = acc[r * nr + j] + (load ? c[r * ldc + j] : 0f);
                c[r * ldc + j] = clamp ? Math.Min(Math.Max(v, min), max) : v;
            }
    }
}
