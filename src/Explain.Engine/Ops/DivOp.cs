using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Div with multidirectional broadcasting; float32, or int64 truncating toward zero.
/// Keeps the divisor b and the output y: ∂/∂a = g/b and ∂/∂b = −g·a/b² = −(g/b)·y.
/// </summary>
public sealed class DivOp : Op
{
    private Tensor? _b, _y;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var y = Elementwise.Arithmetic(this, context, inputs[0], inputs[1], new DivideOperator(), Int64Arithmetic.Operation.Div);
        if (context.SaveForBackward)
            (_b, _y) = (inputs[1], y);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var g = outputGradients[0];
        var y = Elementwise.Saved(this, _y);
        var ga = Elementwise.PerSeed(context, g, y.Shape, Elementwise.Saved(this, _b), new DivideOperator());
        Tensor? gb = NeedsGradient(1) ? Elementwise.PerSeed(context, ga, y.Shape, y, new NegativeMultiplyOperator()) : null;
        return [NeedsGradient(0) ? ga : null, gb];
    }
}
