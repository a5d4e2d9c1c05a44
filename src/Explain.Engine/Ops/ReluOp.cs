using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Relu: y = max(x, 0). Keeps its output for backward (y &gt; 0 ⇔ x &gt; 0). In guided mode
/// (Springenberg et al. 2015, contract rule 6) the gradient passes only where x &gt; 0 and g &gt; 0.
/// </summary>
public sealed class ReluOp : Op
{
    private Tensor? _output;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        var y = Tensor.Create(x.Shape);
        ElementwiseParallel.Unary(x.Floats, y.Floats, new ReluOperator(), context.Parallel);
        if (context.SaveForBackward)
            _output = y;
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var rule = new ReluGradientOperator(context.Mode is BackwardMode.Guided or BackwardMode.GuidedReluOnly);
        return [Elementwise.Gradient(context, Elementwise.Saved(this, _output), outputGradients[0], rule)];
    }
}
