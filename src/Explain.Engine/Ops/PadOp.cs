using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Pad in modes constant, reflect and edge. Opset &lt; 11 passes pads and value as
/// attributes; later opsets as inputs pads, constant_value and (opset 18) axes. Negative pads crop.
/// </summary>
public sealed class PadOp(string mode, long[]? pads = null, float value = 0f) : AxisMapOp
{
    private readonly string _mode = mode is "constant" or "reflect" or "edge"
        ? mode
        : throw new UnsupportedFeatureException($"Pad mode '{mode}' is not supported");

    protected override double Fill(Tensor[] inputs)
    {
        if (pads is not null)
            return value;
        var v = TensorStorage.Optional(inputs, 2);
        return v is null || v.Length == 0 ? 0 : v.Type == DataType.Float32 ? v.Floats[0] : v.Longs[0];
    }

    protected override (int[] SourceShape, int[][] Maps) Plan(Tensor[] inputs)
    {
        var x = inputs[0];
        int rank = x.Rank;
        long[] p = pads ?? TensorStorage.Ints(inputs[1]);
        var axesInput = pads is null ? TensorStorage.Optional(inputs, 3) : null;
        long[] axes = axesInput is null ? Enumerable.Range(0, rank).Select(i => (long)i).ToArray() : axesInput.ToInt64Array();
        if (p.Length != 2 * axes.Length)
            throw new TensorShapeException($"Pad: {p.Length} pads for {axes.Length} axes");

        var maps = new int[rank][];
        for (int d = 0; d < rank; d++)
            maps[d] = Identity(x.Shape[d]);
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = TensorShape.NormalizeAxis(axes[i], rank);
            maps[axis] = AxisMap(p[i], p[i + axes.Length], x.Shape[axis]);
        }
        return (x.Shape, maps);
    }

    private int[] AxisMap(long before, long after, int dim)
    {
        long size = dim + before + after;
        if (size < 0 || size > TensorShape.MaxElements)
            throw new TensorShapeException($"Pad: pads {before}, {after} do not fit dimension {dim}");
        if (dim == 0 && size > 0 && _mode != "constant")
            throw new TensorShapeException($"Pad: mode {_mode} cannot pad an empty axis");
        var map = new int[size];
        for (int o = 0; o < size; o++)
        {
            long i = o - before;
            map[o] = i >= 0 && i < dim ? (int)i : _mode switch
            {
                "edge" => (int)Math.Clamp(i, 0, dim - 1),
                "reflect" => Reflect(i, dim),
                _ => -1,
            };
        }
        return map;
    }

    // numpy.pad 'reflect': mirror about the edge samples without repeating them.
    private static int Reflect(long i, int dim)
    {
        if (dim == 1)
            return 0;
        long period = 2L * (dim - 1);
        long m = ((i % period) + period) % period;
        return (int)(m < dim ? m : period - m);
    }
}
