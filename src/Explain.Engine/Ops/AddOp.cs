using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Add with multidirectional broadcasting; float32 or int64 (shape arithmetic).</summary>
public sealed class AddOp : Op
{
    public override Tensor[] Forward(OpContext context, Tensor[] inputs) =>
        [Elementwise.Arithmetic(this, context, inputs[0], inputs[1], new AddOperator(), Int64Arithmetic.Operation.Add)];

    /// <summary>∂/∂a = ∂/∂b = g, returned in the output's shape (the graph sums broadcast axes).</summary>
    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var g = outputGradients[0];
        return [NeedsGradient(0) ? g : null, NeedsGradient(1) ? g : null];
    }
}
