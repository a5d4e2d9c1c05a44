using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Expand: broadcast the input against the shape input (numpy rules, so the result may be
/// larger than the requested shape). The gradient sums over broadcast axes back to the input's shape.
/// </summary>
public sealed class ExpandOp : AxisMapOp
{
    protected override (int[] SourceShape, int[][] Maps) Plan(Tensor[] inputs)
    {
        var x = inputs[0];
        var target = TensorStorage.ToShape(TensorStorage.Ints(inputs[1]));
        var shape = TensorShape.Broadcast(x.Shape, target);
        var source = new int[shape.Length];
        int lead = shape.Length - x.Rank;
        var maps = new int[shape.Length][];
        for (int d = 0; d < shape.Length; d++)
        {
            source[d] = d < lead ? 1 : x.Shape[d - lead];
            maps[d] = source[d] == shape[d] ? Identity(shape[d]) : new int[shape[d]];
        }
        return (source, maps);
    }
}
