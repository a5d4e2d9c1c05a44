using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Mul with multidirectional broadcasting; keeps both inputs for backward.</summary>
public sealed class MulOp : Op
{
    private Tensor? _a, _b;
    private int[] _outputShape = [];

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var y = Elementwise.Arithmetic(this, context, inputs[0], inputs[1], new MultiplyOperator(), Int64Arithmetic.Operation.Mul);
        if (context.SaveForBackward)
            (_a, _b, _outputShape) = (inputs[0], inputs[1], y.Shape);
        return [y];
    }

    /// <summary>∂/∂a = g·b, ∂/∂b = g·a, in the output's shape.</summary>
    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var g = outputGradients[0];
        return
        [
            NeedsGradient(0) ? Elementwise.PerSeed(context, g, _outputShape, Elementwise.Saved(this, _b), new MultiplyOperator()) : null,
            NeedsGradient(1) ? Elementwise.PerSeed(context, g, _outputShape, Elementwise.Saved(this, _a), new MultiplyOperator()) : null,
        ];
    }
}
