using System.Buffers;

namespace Explain.Engine.Kernels;

/// <summary>
/// Single-precision GEMM: C[m×n] (+)= op(A)[m×k] · op(B)[k×n], row-major with leading dimensions,
/// op = identity or transpose. A is packed into register-tile panels (or pre-packed once as a
/// <see cref="PackedMatrix"/>), B block by block per thread; see <see cref="GemmJob"/> for the loop
/// nest and <see cref="GemmMicroKernels"/> for the AVX-512 / AVX2 / scalar tiles.
/// Results do not depend on the thread count: every element sums K in the same order.
/// </summary>
public static unsafe class Gemm
{
    /// <summary>C = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>.</summary>
    public static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda, bool transA,
        ReadOnlySpan<float> b, int ldb, bool transB,
        Span<float> c, int ldc, bool accumulate = false, ParallelOptions? parallel = null)
    {
        CheckFits(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        int mPad = GemmBlocking.RoundUp(m, GemmBlocking.Mr);
        var packed = ArrayPool<float>.Shared.Rent(Math.Max(1, mPad * k));
        try
        {
            fixed (float* pa = a)
            fixed (float* dst = packed)
                GemmPacking.PackA(pa, transA ? 1 : lda, transA ? lda : 1, m, k, dst, 0, mPad / GemmBlocking.Mr);
            Run(packed, m, n, k, b, ldb, transB, c, ldc, accumulate, GemmEpilogue.None, parallel);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>C (+)= A·op(B) with a pre-packed A (m = a.Rows, k = a.Depth), then the epilogue (bias rows, clamp).</summary>
    public static void Multiply(
        PackedMatrix a, ReadOnlySpan<float> b, int ldb, bool transB, int n,
        Span<float> c, int ldc, bool accumulate, in GemmEpilogue epilogue, ParallelOptions? parallel = null) =>
        Run(a.Data, a.Rows, n, a.Depth, b, ldb, transB, c, ldc, accumulate, epilogue, parallel);

    /// <summary>C (+)= A·im2col(x) for one group of a convolution, packing B straight from the image.</summary>
    internal static void MultiplyLowered(PackedMatrix a, in Im2ColView view, int n, Span<float> c, int ldc, in GemmEpilogue epilogue, ParallelOptions? parallel) =>
        Run(a.Data, a.Rows, n, a.Depth, new GemmJob { Lowered = view, IsLowered = true }, c, ldc, false, epilogue, parallel);

    private static void Run(
        float[] packedA, int m, int n, int k, ReadOnlySpan<float> b, int ldb, bool transB,
        Span<float> c, int ldc, bool accumulate, in GemmEpilogue epilogue, ParallelOptions? parallel)
    {
        if (m == 0 || n == 0)
            return;
        CheckFits(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        fixed (float* pb = b)
        {
            var job = new GemmJob { B = pb, BRowStride = transB ? 1 : ldb, BColStride = transB ? ldb : 1 };
            Run(packedA, m, n, k, job, c, ldc, accumulate, epilogue, parallel);
        }
    }

    /// <summary>Completes a job whose B source is set and runs it over C.</summary>
    private static void Run(
        float[] packedA, int m, int n, int k, GemmJob job,
        Span<float> c, int ldc, bool accumulate, in GemmEpilogue epilogue, ParallelOptions? parallel)
    {
        if (m == 0 || n == 0)
            return;
        CheckFits(c.Length, m, n, ldc, nameof(c));
        if (epilogue.RowBias is { } bias && (epilogue.BiasOffset < 0 || epilogue.BiasOffset + m > bias.Length))
            throw new ArgumentException($"bias of {bias.Length} values has no {m} rows at {epilogue.BiasOffset}", nameof(epilogue));
        if (k == 0)
        {
            FillWithoutProduct(m, n, c, ldc, accumulate, epilogue);
            return;
        }

        fixed (float* pa = packedA)
        fixed (float* pc = c)
        fixed (float* pbias = epilogue.RowBias)
        {
            (job.M, job.N, job.K, job.Ldc) = (m, n, k, ldc);
            job.PackedA = pa;
            job.C = pc;
            job.Bias = epilogue.RowBias is null ? null : pbias + epilogue.BiasOffset;
            (job.Accumulate, job.Clamp, job.Min, job.Max) = (accumulate, epilogue.Clamp, epilogue.Min, epilogue.Max);
            GemmPartition.Execute(job, parallel);
        }
    }

    /// <summary>k = 0: the product is empty, C keeps (or zeroes) its values plus bias, clamped.</summary>
    private static void FillWithoutProduct(int m, int n, Span<float> c, int ldc, bool accumulate, in GemmEpilogue e)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            float bias = e.RowBias is null ? 0f : e.RowBias[e.BiasOffset + i];
            for (int j = 0; j < n; j++)
            {
                float v = (accumulate ? row[j] : 0f) + bias;
                row[j] = e.Clamp ? Math.Min(Math.Max(v, e.Min), e.Max) : v;
            }
        }
    }

    private static void CheckFits(int length, int rows, int cols, int ld, string name)
    {
        if (rows < 0 || cols < 0 || (rows > 1 && ld < cols))
            throw new ArgumentException($"invalid {rows}×{cols} operand with leading dimension {ld}", name);
        if (rows > 0 && cols > 0 && (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"a {rows}×{cols} operand with leading dimension {ld} does not fit in {length} values", name);
    }
}
