using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Reshape: 0 copies the input's dimension (unless allowzero, opset 14, makes it a literal 0)
/// and one −1 is inferred from the element count. Opsets before 5 give the shape as an attribute.
/// </summary>
public sealed class ReshapeOp(bool allowZero = false, long[]? shapeAttribute = null) : ViewOp
{
    protected override int[] OutputShape(Tensor[] inputs)
    {
        var x = inputs[0];
        long[] requested = shapeAttribute ?? TensorStorage.Ints(inputs[1]);
        var shape = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long d = requested[i];
            if (d == 0 && !allowZero)
            {
                if (i >= x.Rank)
                    throw new TensorShapeException($"Reshape: 0 at position {i} copies a dimension the input {TensorShape.Format(x.Shape)} lacks");
                d = x.Shape[i];
            }
            if (d == -1)
            {
                if (inferred >= 0)
                    throw new TensorShapeException("Reshape: more than one -1");
                inferred = i;
                continue;
            }
            if (d < 0 || d > TensorShape.MaxElements)
                throw new TensorShapeException($"Reshape: invalid dimension {d}");
            shape[i] = (int)d;
            known *= d;
        }
        if (inferred >= 0)
        {
            if (known == 0 || x.Length % known != 0)
                throw new TensorShapeException($"Reshape: cannot infer -1 for {TensorShape.Format(x.Shape)} → [{string.Join(", ", requested)}]");
            shape[inferred] = (int)(x.Length / known);
        }
        if (TensorShape.ElementCount(shape) != x.Length)
            throw new TensorShapeException($"Reshape: {TensorShape.Format(x.Shape)} cannot become {TensorShape.Format(shape)}");
        return shape;
    }
}
