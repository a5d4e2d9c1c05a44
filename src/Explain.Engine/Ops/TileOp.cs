using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Tile: output axis d is the input repeated repeats[d] times; the gradient sums the copies.</summary>
public sealed class TileOp : AxisMapOp
{
    protected override (int[] SourceShape, int[][] Maps) Plan(Tensor[] inputs)
    {
        var x = inputs[0];
        long[] repeats = TensorStorage.Ints(inputs[1]);
        if (repeats.Length != x.Rank)
            throw new TensorShapeException($"Tile: {repeats.Length} repeats for rank {x.Rank}");
        var maps = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
        {
            long size = x.Shape[d] * repeats[d];
            if (repeats[d] < 0 || size > TensorShape.MaxElements)
                throw new TensorShapeException($"Tile: repeat {repeats[d]} is out of range");
            maps[d] = new int[size];
            for (int o = 0; o < size; o++)
                maps[d][o] = o % x.Shape[d];
        }
        return (x.Shape, maps);
    }
}
