namespace Explain.Engine.Kernels;

/// <summary>
/// Broadcast Add/Sub/Mul/Div/Max/Min on int64 tensors, which carry shape arithmetic (Shape → Gather → Mul →
/// Concat → Reshape). Tiny tensors, so scalar loops.
/// </summary>
internal static class Int64Arithmetic
{
    public enum Operation
    {
        Add,
        Sub,
        Mul,
        Div,
        Max,
        Min,
    }

    public static long[] Run(BroadcastPlan plan, long[] a, long[] b, Operation operation)
    {
        var y = new long[plan.Length];
        for (int r = 0, k = 0; r < plan.ARowOffsets.Length; r++)
        {
            int ao = plan.ARowOffsets[r], bo = plan.BRowOffsets[r];
            for (int i = 0; i < plan.Inner; i++, k++)
                y[k] = Apply(a[ao + i * plan.AStep], b[bo + i * plan.BStep], operation);
        }
        return y;
    }

    // NOTE: integer Div truncates toward zero (C semantics), as onnxruntime's kernel does; the ONNX
    // spec leaves integer rounding to the backend and its conformance data (test_div_uint8) cannot tell.
    private static long Apply(long a, long b, Operation operation) => operation switch
    {
        Operation.Add => unchecked(a + b),
        Operation.Sub => unchecked(a - b),
        Operation.Mul => unchecked(a * b),
        Operation.Max => Math.Max(a, b),
        Operation.Min => Math.Min(a, b),
        _ => b == 0 ? throw new DivideByZeroException("integer Div by zero") : a / b,
    };
}
