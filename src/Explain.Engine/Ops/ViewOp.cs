using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// Base of ops that only reinterpret the input's shape (Reshape, Flatten, Squeeze, Unsqueeze,
/// Identity): the output is a view sharing storage, and the gradient is the output gradient viewed
/// in the input's shape, its leading dimension scaled by the seed factor (contract rule 4).
/// </summary>
public abstract class ViewOp : Op
{
    private int[] _inputShape = [];
    private int _inputCount;

    /// <summary>The output shape for the data input (inputs[0]) and any shape-like inputs.</summary>
    protected abstract int[] OutputShape(Tensor[] inputs);

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = inputs[0];
        (_inputShape, _inputCount) = (x.Shape, inputs.Length);
        return [x.Reshape(OutputShape(inputs))];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var result = new Tensor?[_inputCount];
        if (NeedsGradient(0))
        {
            var g = outputGradients[0];
            int factor = TensorStorage.SeedFactor(g, TensorShape.ElementCount(_inputShape));
            result[0] = g.Reshape(ScaleBatch(_inputShape, factor));
        }
        return result;
    }
}
