using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Unsqueeze: inserts size-1 axes at the listed positions of the OUTPUT (attribute before
/// opset 13, input after); axes may be negative and unsorted.
/// </summary>
public sealed class UnsqueezeOp(long[]? axes = null) : ViewOp
{
    protected override int[] OutputShape(Tensor[] inputs)
    {
        var x = inputs[0];
        long[] listed = axes ?? TensorStorage.Ints(inputs[1]);
        int rank = x.Rank + listed.Length;
        var inserted = new bool[rank];
        foreach (long axis in listed)
        {
            int a = TensorShape.NormalizeAxis(axis, rank);
            if (inserted[a])
                throw new TensorShapeException($"Unsqueeze: axis {axis} appears twice");
            inserted[a] = true;
        }
        var shape = new int[rank];
        for (int i = 0, j = 0; i < rank; i++)
            shape[i] = inserted[i] ? 1 : x.Shape[j++];
        return shape;
    }
}
