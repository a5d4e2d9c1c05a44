using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>Which forward tensor a unary op's backward rule reads.</summary>
internal enum UnarySaved
{
    None,
    Input,
    Output,
}

/// <summary>
/// A float32 element-wise op y = f(x) whose gradient is dx = rule(saved, g), saved being x or y
/// (Sigmoid keeps y, Erf keeps x). Every ONNX unary activation except the rectifiers with a guided
/// mode (ReluOp, ClipOp) is an instance of this class with its operator pair.
/// </summary>
internal sealed class UnaryOp<TForward, TGradient>(TForward forward, TGradient gradient, UnarySaved saves) : Op
    where TForward : struct, IUnaryOperator
    where TGradient : struct, IBinaryOperator
{
    private Tensor? _saved;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        var y = Tensor.Create(x.Shape);
        ElementwiseParallel.Unary(x.Floats, y.Floats, forward, context.Parallel);
        if (context.SaveForBackward)
            _saved = saves switch { UnarySaved.Input => x, UnarySaved.Output => y, _ => null };
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        if (saves == UnarySaved.None)
            return [Elementwise.Gradient(context, g, g, gradient)];
        var saved = Elementwise.Saved(this, _saved);
        return [Elementwise.Gradient(context, saved, g, gradient)];
    }
}
