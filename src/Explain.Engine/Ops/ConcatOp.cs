using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Concat of float or int64 tensors along an axis; the gradient is split back along it.</summary>
public sealed class ConcatOp(long axis) : Op
{
    private int[][] _shapes = [];
    private int _axis;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var first = inputs[0];
        int a = TensorShape.NormalizeAxis(axis, first.Rank);
        var shape = (int[])first.Shape.Clone();
        shape[a] = 0;
        foreach (var t in inputs)
        {
            if (t.Type != first.Type || t.Rank != first.Rank)
                throw new TensorShapeException("Concat: inputs differ in type or rank");
            for (int d = 0; d < t.Rank; d++)
                if (d != a && t.Shape[d] != first.Shape[d])
                    throw new TensorShapeException($"Concat: {TensorShape.Format(t.Shape)} does not match {TensorShape.Format(first.Shape)} off axis {a}");
            shape[a] += t.Shape[a];
        }
        var y = TensorStorage.Zeros(first.Type, shape);
        int outer = TensorShape.ElementCount(shape.AsSpan(0, a));
        int inner = TensorShape.ElementCount(shape.AsSpan(a + 1));
        int offset = 0;
        foreach (var t in inputs)
        {
            if (t.Type == DataType.Float32)
                Copy<float>(t.Floats, y.Floats, outer, t.Shape[a] * inner, shape[a] * inner, offset);
            else
                Copy<long>(t.Longs, y.Longs, outer, t.Shape[a] * inner, shape[a] * inner, offset);
            offset += t.Shape[a] * inner;
        }
        (_shapes, _axis) = (inputs.Select(t => t.Shape).ToArray(), a);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var g = outputGradients[0];
        int total = _shapes.Sum(s => TensorShape.ElementCount(s));
        int factor = TensorStorage.SeedFactor(g, total);
        if (_axis == 0)
            TensorStorage.RequireSingleSeed(factor, "Concat", "concatenating on axis 0");
        int inner = TensorShape.ElementCount(_shapes[0].AsSpan(_axis + 1));
        int row = g.Shape[_axis] * inner;
        int outer = row == 0 ? 0 : g.Length / row;
        var result = new Tensor?[_shapes.Length];
        int offset = 0;
        for (int i = 0; i < _shapes.Length; i++)
        {
            int block = _shapes[i][_axis] * inner;
            if (NeedsGradient(i))
            {
                var dx = Tensor.Create(ScaleBatch(_shapes[i], factor));
                for (int o = 0; o < outer; o++)
                    g.Floats.AsSpan(o * row + offset, block).CopyTo(dx.Floats.AsSpan(o * block, block));
                result[i] = dx;
            }
            offset += block;
        }
        return result;
    }

    private static void Copy<T>(T[] src, T[] dst, int outer, int block, int row, int offset)
    {
        for (int o = 0; o < outer; o++)
            src.AsSpan(o * block, block).CopyTo(dst.AsSpan(o * row + offset, block));
    }
}
