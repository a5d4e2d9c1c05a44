using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX ReduceSum / ReduceMean / ReduceMax / ReduceL2 (float32). Axes come from the attribute, or
/// from optional input 1 when <paramref name="axesFromInput"/> (ReduceSum ≥ 13, the others ≥ 18).
/// No axes reduce everything unless noop_with_empty_axes, which makes the op an identity (as the spec
/// says: "the output tensor would be equivalent to input tensor").
/// Backward: Sum broadcasts g; Mean divides by the count; L2 gives g·x/y (0 where y = 0);
/// Max sends g to the maximal elements, NOTE: split evenly among ties, as PyTorch's amax does.
/// </summary>
public sealed class ReduceOp(ReduceOp.Kind kind, long[]? axes, bool keepDims, bool noopWithEmptyAxes, bool axesFromInput) : Op
{
    public enum Kind
    {
        Sum,
        Mean,
        Max,
        L2,
    }

    private Tensor? _x, _y;
    private int[]? _map;
    private int _count;
    private bool _identity;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        long[]? selected = axesFromInput ? (inputs.Length > 1 && inputs[1] is not null ? inputs[1].ToInt64Array() : null) : axes;
        var reduced = new bool[x.Rank];
        if (selected is null || selected.Length == 0)
            Array.Fill(reduced, !noopWithEmptyAxes);
        else
            foreach (long a in selected)
                reduced[TensorShape.NormalizeAxis(a, x.Rank)] = true;
        if (!reduced.Contains(true))
        {
            _identity = true;
            return [x];
        }
        int[] shape = keepDims
            ? x.Shape.Select((d, i) => reduced[i] ? 1 : d).ToArray()
            : x.Shape.Where((d, i) => !reduced[i]).ToArray();
        var map = ReductionKernel.OutputIndex(x.Shape, reduced);
        var y = Tensor.Create(shape);
        int count = y.Length == 0 ? 0 : x.Length / y.Length;
        if (kind == Kind.Max)
            ReductionKernel.Max(x.Floats, map, y.Floats);
        else
        {
            var sums = new double[y.Length];
            ReductionKernel.Sum(x.Floats, map, sums, squares: kind == Kind.L2);
            for (int i = 0; i < sums.Length; i++)
                y.Floats[i] = (float)(kind switch { Kind.Mean => sums[i] / count, Kind.L2 => Math.Sqrt(sums[i]), _ => sums[i] });
        }
        if (context.SaveForBackward)
            (_x, _y, _map, _count) = (x, y, map, count);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var gradients = new Tensor?[Math.Max(1, NeedsInputGradient.Length)];
        if (!NeedsGradient(0))
            return gradients;
        if (_identity)
        {
            gradients[0] = outputGradients[0];
            return gradients;
        }
        var (x, y, map) = (Elementwise.Saved(this, _x), Elementwise.Saved(this, _y), _map!);
        var g = outputGradients[0].Floats;
        int seeds = y.Length == 0 ? 1 : g.Length / y.Length;
        var dx = Tensor.Create(ScaleBatch(x.Shape, seeds));
        int[]? ties = kind == Kind.Max ? new int[y.Length] : null;
        if (ties is not null)
            for (int k = 0; k < x.Length; k++)
                ties[map[k]] += x.Floats[k] == y.Floats[map[k]] ? 1 : 0;
        for (int f = 0; f < seeds; f++)
            for (int k = 0; k < x.Length; k++)
            {
                int o = map[k];
                float gk = g[f * y.Length + o];
                dx.Floats[f * x.Length + k] = kind switch
                {
                    Kind.Sum => gk,
                    Kind.Mean => gk / _count,
                    Kind.L2 => y.Floats[o] == 0 ? 0 : gk * x.Floats[k] / y.Floats[o],
                    _ => x.Floats[k] == y.Floats[o] ? gk / ties![o] : 0,
                };
            }
        gradients[0] = dx;
        return gradients;
    }
}
