using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Squeeze: removes the listed size-1 axes (attribute before opset 13, optional input
/// after), or every size-1 axis when none are listed.
/// </summary>
public sealed class SqueezeOp(long[]? axes = null, bool axesFromInput = false) : ViewOp
{
    protected override int[] OutputShape(Tensor[] inputs)
    {
        var x = inputs[0];
        long[]? listed = axesFromInput ? TensorStorage.Optional(inputs, 1)?.ToInt64Array() : axes;
        if (listed is null)
            return x.Shape.Where(d => d != 1).ToArray();
        var drop = new bool[x.Rank];
        foreach (long axis in listed)
        {
            int a = TensorShape.NormalizeAxis(axis, x.Rank);
            if (x.Shape[a] != 1)
                throw new TensorShapeException($"Squeeze: axis {axis} of {TensorShape.Format(x.Shape)} is not 1");
            drop[a] = true;
        }
        return x.Shape.Where((_, i) => !drop[i]).ToArray();
    }
}
