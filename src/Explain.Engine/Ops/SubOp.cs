using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Sub with multidirectional broadcasting; float32 or int64 (shape arithmetic).</summary>
public sealed class SubOp : Op
{
    public override Tensor[] Forward(OpContext context, Tensor[] inputs) =>
        [Elementwise.Arithmetic(this, context, inputs[0], inputs[1], new SubtractOperator(), Int64Arithmetic.Operation.Sub)];

    /// <summary>∂/∂a = g, ∂/∂b = −g, in the output's shape.</summary>
    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var g = outputGradients[0];
        Tensor? gb = null;
        if (NeedsGradient(1))
        {
            gb = Tensor.Create(g.Shape);
            ElementwiseParallel.Unary(g.Floats, gb.Floats, new NegateOperator(), context.Parallel);
        }
        return [NeedsGradient(0) ? g : null, gb];
    }
}
