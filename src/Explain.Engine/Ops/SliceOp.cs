using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Slice. Opset &lt; 10 reads starts/ends/axes attributes; later opsets read the inputs
/// starts, ends, axes, steps. Bounds are clamped as the spec says, so INT64_MAX means "to the end".
/// </summary>
public sealed class SliceOp(long[]? starts = null, long[]? ends = null, long[]? axes = null) : AxisMapOp
{
    protected override (int[] SourceShape, int[][] Maps) Plan(Tensor[] inputs)
    {
        var x = inputs[0];
        long[] s = starts ?? TensorStorage.Ints(inputs[1]);
        long[] e = ends ?? TensorStorage.Ints(inputs[2]);
        long[]? a = starts is null ? TensorStorage.Optional(inputs, 3)?.ToInt64Array() : axes;
        long[]? steps = starts is null ? TensorStorage.Optional(inputs, 4)?.ToInt64Array() : null;
        if (s.Length != e.Length || (a is not null && a.Length != s.Length) || (steps is not null && steps.Length != s.Length))
            throw new TensorShapeException("Slice: starts, ends, axes and steps must have the same length");

        var maps = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
            maps[d] = Identity(x.Shape[d]);
        var seen = new bool[x.Rank];
        for (int i = 0; i < s.Length; i++)
        {
            int axis = TensorShape.NormalizeAxis(a is null ? i : a[i], x.Rank);
            if (seen[axis])
                throw new TensorShapeException($"Slice: axis {axis} appears twice");
            seen[axis] = true;
            long step = steps is null ? 1 : steps[i];
            if (step == 0)
                throw new TensorShapeException("Slice: step 0");
            maps[axis] = AxisMap(s[i], e[i], step, x.Shape[axis]);
        }
        return (x.Shape, maps);
    }

    // Clamping per the ONNX Slice spec (opset 13): ends past the axis are clipped.
    private static int[] AxisMap(long start, long end, long step, int dim)
    {
        if (dim == 0)
            return [];
        if (start < 0)
            start += dim;
        if (end < 0)
            end += dim;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
        }
        else
        {
            start = Math.Clamp(start, 0, dim - 1);
            end = Math.Clamp(end, -1, dim - 1);
        }
        long span = step > 0 ? end - start : start - end;
        long abs = Math.Abs(step);
        int count = span <= 0 ? 0 : (int)((span + abs - 1) / abs);
        var map = new int[count];
        for (int o = 0; o < count; o++)
            map[o] = (int)(start + o * step);
        return map;
    }
}
