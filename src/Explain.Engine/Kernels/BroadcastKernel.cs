namespace Explain.Engine.Kernels;

/// <summary>Applies a binary operator over a <see cref="BroadcastPlan"/>, row by row, on SIMD runs.</summary>
internal static class BroadcastKernel
{
    /// <summary>y = op(a, b) over the whole plan, split into chunks of output for large tensors.</summary>
    public static void Run<TOp>(BroadcastPlan plan, ReadOnlyMemory<float> a, ReadOnlyMemory<float> b, Memory<float> y, TOp op, ParallelOptions? options)
        where TOp : struct, IBinaryOperator =>
        ElementwiseParallel.For(plan.Length, options, (s, n) => Run(plan, a.Span, b.Span, y.Span, op, s, s + n));

    /// <summary>y[start..end) = op(a, b) for the output range, which may start and end inside a row.</summary>
    public static void Run<TOp>(BroadcastPlan plan, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, TOp op, int start, int end)
        where TOp : struct, IBinaryOperator
    {
        int inner = plan.Inner;
        int row = start / inner, col = start % inner;
        while (start < end)
        {
            int n = Math.Min(inner - col, end - start);
            int ao = plan.ARowOffsets[row] + col * plan.AStep;
            int bo = plan.BRowOffsets[row] + col * plan.BStep;
            var dst = y.Slice(start, n);
            switch ((plan.AStep, plan.BStep))
            {
                case (1, 1):
                    ElementwiseKernel.Binary(a.Slice(ao, n), b.Slice(bo, n), dst, op);
                    break;
                case (1, 0):
                    ElementwiseKernel.BinaryScalarRight(a.Slice(ao, n), b[bo], dst, op);
                    break;
                case (0, 1):
                    ElementwiseKernel.BinaryScalarLeft(a[ao], b.Slice(bo, n), dst, op);
                    break;
                default:
                    dst.Fill(op.Invoke(a[ao], b[bo]));
                    break;
            }
            start += n;
            row++;
            col = 0;
        }
    }

    /// <summary>Copies an operand into the plan's output shape (operand A when <paramref name="left"/>).</summary>
    public static void Expand(BroadcastPlan plan, ReadOnlySpan<float> source, Span<float> result, bool left)
    {
        int[] rows = left ? plan.ARowOffsets : plan.BRowOffsets;
        int step = left ? plan.AStep : plan.BStep;
        for (int r = 0; r < rows.Length; r++)
        {
            var dst = result.Slice(r * plan.Inner, plan.Inner);
            if (step == 1)
                source.Slice(rows[r], plan.Inner).CopyTo(dst);
            else
                dst.Fill(source[rows[r]]);
        }
    }
}
