using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Gather: output = data.shape[:axis] + indices.shape + data.shape[axis+1:], negative
/// indices counting from the end. The gradient scatter-adds rows back (repeated indices sum).
/// </summary>
public sealed class GatherOp(long axis = 0) : Op
{
    private int[] _dataShape = [];
    private long[] _indices = [];
    private int _axis;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var (data, indicesTensor) = (inputs[0], inputs[1]);
        int a = TensorShape.NormalizeAxis(axis, data.Rank);
        long[] indices = indicesTensor.ToInt64Array();
        int dim = data.Shape[a];
        var resolved = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            long k = indices[i] < 0 ? indices[i] + dim : indices[i];
            if (k < 0 || k >= dim)
                throw new TensorShapeException($"Gather: index {indices[i]} is out of range for dimension {dim}");
            resolved[i] = k;
        }
        var shape = data.Shape[..a].Concat(indicesTensor.Shape).Concat(data.Shape[(a + 1)..]).ToArray();
        var y = TensorStorage.Zeros(data.Type, shape);
        int inner = TensorShape.ElementCount(data.Shape.AsSpan(a + 1));
        int outer = TensorShape.ElementCount(data.Shape.AsSpan(0, a));
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < resolved.Length; i++)
            {
                int src = (int)((o * (long)dim + resolved[i]) * inner);
                int dst = (o * resolved.Length + i) * inner;
                if (data.Type == DataType.Float32)
                    data.Floats.AsSpan(src, inner).CopyTo(y.Floats.AsSpan(dst));
                else
                    data.Longs.AsSpan(src, inner).CopyTo(y.Longs.AsSpan(dst));
            }
        (_dataShape, _indices, _axis) = (data.Shape, resolved, a);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null, null];
        var g = outputGradients[0];
        int inner = TensorShape.ElementCount(_dataShape.AsSpan(_axis + 1));
        int outer = TensorShape.ElementCount(_dataShape.AsSpan(0, _axis));
        int factor = TensorStorage.SeedFactor(g, outer * _indices.Length * inner);
        if (_axis == 0)
            TensorStorage.RequireSingleSeed(factor, "Gather", "gathering on axis 0");
        var dx = Tensor.Zeros(ScaleBatch(_dataShape, factor));
        int dim = _dataShape[_axis];
        for (int o = 0; o < outer * factor; o++)
            for (int i = 0; i < _indices.Length; i++)
            {
                var src = g.Floats.AsSpan((o * _indices.Length + i) * inner, inner);
                var dst = dx.Floats.AsSpan((int)((o * (long)dim + _indices[i]) * inner), inner);
                TensorPrimitives.Add(dst, src, dst);
            }
        return [dx, null];
    }
}
