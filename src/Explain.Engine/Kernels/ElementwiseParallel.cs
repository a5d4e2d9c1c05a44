namespace Explain.Engine.Kernels;

/// <summary>
/// Splits large element-wise work into contiguous chunks run through a pass's ParallelOptions.
/// Below <see cref="MinParallelLength"/> elements the cost of scheduling outweighs the work, so the
/// kernel runs on the calling thread. Chunks are disjoint, so results do not depend on thread count.
/// </summary>
internal static class ElementwiseParallel
{
    public const int MinParallelLength = 1 << 16;

    /// <summary>How many chunks to cut <paramref name="length"/> elements into (1 = run inline).</summary>
    public static int Chunks(int length, ParallelOptions? options)
    {
        if (options is null || length < MinParallelLength)
            return 1;
        int degree = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount;
        return Math.Clamp(Math.Min(degree, length / (MinParallelLength / 2)), 1, degree);
    }

    /// <summary>Runs body(start, length) over [0, length) in chunks aligned to 64 elements.</summary>
    public static void For(int length, ParallelOptions? options, Action<int, int> body)
    {
        int chunks = Chunks(length, options);
        if (chunks == 1)
        {
            body(0, length);
            return;
        }
        int size = (length / chunks + 63) & ~63;
        Parallel.For(0, chunks, options!, c =>
        {
            int start = c * size;
            if (start < length)
                body(start, Math.Min(size, length - start));
        });
    }

    public static void Unary<TOp>(ReadOnlyMemory<float> x, Memory<float> y, TOp op, ParallelOptions? options)
        where TOp : struct, IUnaryOperator =>
        For(x.Length, options, (s, n) => ElementwiseKernel.Unary(x.Span.Slice(s, n), y.Span.Slice(s, n), op));

    public static void Binary<TOp>(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b, Memory<float> y, TOp op, ParallelOptions? options)
        where TOp : struct, IBinaryOperator =>
        For(a.Length, options, (s, n) => ElementwiseKernel.Binary(a.Span.Slice(s, n), b.Span.Slice(s, n), y.Span.Slice(s, n), op));
}
