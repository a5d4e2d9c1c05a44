using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Flatten: a 2-D view [d₀·…·d_{axis−1}, d_axis·…·dₙ]; axis may be negative or equal to the rank.</summary>
public sealed class FlattenOp(long axis = 1) : ViewOp
{
    protected override int[] OutputShape(Tensor[] inputs)
    {
        var x = inputs[0];
        int a = axis == x.Rank ? x.Rank : TensorShape.NormalizeAxis(axis, x.Rank);
        int outer = TensorShape.ElementCount(x.Shape.AsSpan(0, a));
        int inner = TensorShape.ElementCount(x.Shape.AsSpan(a));
        return [outer, inner];
    }
}
