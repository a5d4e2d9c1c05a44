using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Clip: y = min(max(x, min), max). Before opset 11 the bounds are attributes; from 11 they are
/// optional inputs 1 and 2, either of which may be omitted (then ±float.MaxValue). Clip with
/// min == 0 is a rectifier (ReLU6 exports as Clip(0, 6)) and follows guided mode (contract rule 6).
/// </summary>
public sealed class ClipOp(float min = float.MinValue, float max = float.MaxValue) : Op
{
    private Tensor? _input;
    private float _min, _max;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        float lo = Bound(inputs, 1, min), hi = Bound(inputs, 2, max);
        var y = Tensor.Create(x.Shape);
        ElementwiseParallel.Unary(x.Floats, y.Floats, new ClipOperator(lo, hi), context.Parallel);
        if (context.SaveForBackward)
            (_input, _min, _max) = (x, lo, hi);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        bool guided = context.Mode == BackwardMode.Guided && _min == 0;
        var rule = new ClipGradientOperator(_min, _max, guided);
        var gradients = new Tensor?[NeedsInputGradient.Length];
        gradients[0] = Elementwise.Gradient(context, Elementwise.Saved(this, _input), outputGradients[0], rule);
        return gradients;
    }

    private float Bound(Tensor[] inputs, int index, float fallback)
    {
        if (inputs.Length <= index || inputs[index] is null)
            return fallback;
        var bound = Elementwise.RequireFloat(this, inputs[index]);
        if (bound.Length != 1)
            throw new TensorShapeException($"Clip '{Name}': bound {index} has shape {TensorShape.Format(bound.Shape)}, expected a scalar");
        return bound.Floats[0];
    }
}
