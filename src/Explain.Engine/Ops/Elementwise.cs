using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>Shared plumbing of element-wise ops: type checks, broadcast forward, per-seed backward.</summary>
internal static class Elementwise
{
    public static Tensor RequireFloat(Op op, Tensor t) => t.Type == DataType.Float32
        ? t
        : throw new UnsupportedFeatureException($"{op.GetType().Name} '{op.Name}': {t.Type} input is not supported (float32 only)");

    public static Tensor Saved(Op op, Tensor? t) =>
        t ?? throw new InvalidOperationException($"{op.GetType().Name} '{op.Name}': backward without a forward that saved state");

    /// <summary>y = op(a, b) with multidirectional broadcasting.</summary>
    public static Tensor Broadcast<TOp>(OpContext context, Tensor a, Tensor b, TOp op)
        where TOp : struct, IBinaryOperator
    {
        var plan = BroadcastPlan.Create(a.Shape, b.Shape);
        var y = Tensor.Create(plan.OutputShape);
        BroadcastKernel.Run(plan, a.Floats, b.Floats, y.Floats, op, context.Parallel);
        return y;
    }

    /// <summary>
    /// r = op(g, other) for a gradient g of F stacked copies of the forward output shape (contract
    /// rule 4), with <paramref name="other"/> broadcast to that shape; r has g's shape.
    /// </summary>
    public static Tensor PerSeed<TOp>(OpContext context, Tensor g, int[] outputShape, Tensor other, TOp op)
        where TOp : struct, IBinaryOperator
    {
        var plan = BroadcastPlan.Create(outputShape, other.Shape);
        var r = Tensor.Create(g.Shape);
        int n = plan.Length;
        for (int start = 0; n > 0 && start < g.Length; start += n)
            BroadcastKernel.Run(plan, g.Floats.AsMemory(start, n), other.Floats, r.Floats.AsMemory(start, n), op, context.Parallel);
        return r;
    }

    /// <summary>r = op(saved, g) block by block, where saved has the forward shape and g holds F blocks of it.</summary>
    public static Tensor Gradient<TOp>(OpContext context, Tensor saved, Tensor g, TOp op)
        where TOp : struct, IBinaryOperator
    {
        var r = Tensor.Create(g.Shape);
        int n = saved.Length;
        for (int start = 0; n > 0 && start < g.Length; start += n)
            ElementwiseParallel.Binary(saved.Floats, g.Floats.AsMemory(start, n), r.Floats.AsMemory(start, n), op, context.Parallel);
        return r;
    }

    /// <summary>A new array holding an operand broadcast to the plan's output shape.</summary>
    public static float[] Expand(BroadcastPlan plan, ReadOnlySpan<float> source, bool left)
    {
        var result = new float[plan.Length];
        BroadcastKernel.Expand(plan, source, result, left);
        return result;
    }

    /// <summary>Add/Sub/Mul/Div forward: int64 when both operands are int64, float32 otherwise.</summary>
    public static Tensor Arithmetic<TOp>(Op node, OpContext context, Tensor a, Tensor b, TOp op, Int64Arithmetic.Operation integer)
        where TOp : struct, IBinaryOperator
    {
        if (a.Type != b.Type)
            throw new TensorShapeException($"{node.GetType().Name} '{node.Name}': operands are {a.Type} and {b.Type}");
        if (a.Type == DataType.Int64)
        {
            var plan = BroadcastPlan.Create(a.Shape, b.Shape);
            return Tensor.FromInt64(Int64Arithmetic.Run(plan, a.Longs, b.Longs, integer), plan.OutputShape);
        }
        return Broadcast(context, a, b, op);
    }
}
