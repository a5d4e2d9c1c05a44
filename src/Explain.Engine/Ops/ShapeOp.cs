using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Shape as int64, with opset 15's start/end (negative counts from the end, clamped).</summary>
public sealed class ShapeOp(long start = 0, long? end = null) : Op
{
    public override bool IsDifferentiable => false;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        int rank = inputs[0].Rank;
        int from = Clamp(start, rank);
        int to = end is null ? rank : Clamp(end.Value, rank);
        var dims = inputs[0].Shape.Skip(from).Take(Math.Max(0, to - from)).Select(d => (long)d).ToArray();
        return [Tensor.FromInt64(dims, dims.Length)];
    }

    private static int Clamp(long axis, int rank) => (int)Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);
}
