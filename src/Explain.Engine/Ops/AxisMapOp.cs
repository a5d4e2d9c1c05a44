using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// Base of ops whose output element reads one input element chosen per axis (Slice, Pad, Tile,
/// Expand). Forward gathers through the maps; backward scatter-adds the gradient back through them,
/// which sums repeated reads (Tile, Expand, edge/reflect Pad) and drops filled positions.
/// </summary>
public abstract class AxisMapOp : Op
{
    private int[] _inputShape = [];
    private int[] _sourceShape = [];
    private int[][] _maps = [];
    private int _inputCount;

    /// <summary>
    /// The source shape the maps index (the input's shape, or it with leading 1s when the output has
    /// higher rank) and one map per output axis; −1 entries read the fill value.
    /// </summary>
    protected abstract (int[] SourceShape, int[][] Maps) Plan(Tensor[] inputs);

    /// <summary>The value written where a map holds −1 (Pad's constant_value).</summary>
    protected virtual double Fill(Tensor[] inputs) => 0;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = inputs[0];
        var (source, maps) = Plan(inputs);
        var shape = Array.ConvertAll(maps, m => m.Length);
        var y = TensorStorage.Zeros(x.Type, shape);
        if (x.Type == DataType.Float32)
            AxisGather.Gather<float>(x.Floats, source, maps, (float)Fill(inputs), y.Floats);
        else
            AxisGather.Gather<long>(x.Longs, source, maps, (long)Fill(inputs), y.Longs);
        (_inputShape, _sourceShape, _maps, _inputCount) = (x.Shape, source, maps, inputs.Length);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var result = new Tensor?[_inputCount];
        if (!NeedsGradient(0))
            return result;
        var g = outputGradients[0];
        int outLength = 1;
        foreach (var m in _maps)
            outLength *= m.Length;
        int factor = TensorStorage.SeedFactor(g, outLength);
        var maps = _maps;
        var source = _sourceShape;
        if (factor > 1)
        {
            if (!KeepsBatchAxis())
                TensorStorage.RequireSingleSeed(factor, GetType().Name, "dimension 0 is remapped");
            maps = (int[][])maps.Clone();
            maps[0] = Enumerable.Range(0, maps[0].Length * factor).ToArray();
            source = ScaleBatch(source, factor);
        }
        var dx = Tensor.Zeros(source);
        AxisGather.ScatterAdd(g.Floats, source, maps, dx.Floats);
        result[0] = dx.Reshape(ScaleBatch(_inputShape, factor));
        return result;
    }

    // Rows of dimension 0 map to themselves, so stacked seeds (contract rule 4) stay separable.
    private bool KeepsBatchAxis() =>
        _maps.Length > 0 && _inputShape.Length == _sourceShape.Length && _sourceShape[0] == _maps[0].Length
        && _maps[0].AsSpan().SequenceEqual(Identity(_maps[0].Length));

    /// <summary>The identity map of an axis of length n.</summary>
    protected static int[] Identity(int n) => Enumerable.Range(0, n).ToArray();
}
