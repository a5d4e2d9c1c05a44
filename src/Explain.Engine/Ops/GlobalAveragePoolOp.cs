using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX GlobalAveragePool: the mean of each channel plane, output [N, C, 1, …, 1].</summary>
public sealed class GlobalAveragePoolOp : Op
{
    private int[] _inputShape = [];

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = TensorStorage.RequireFloat(inputs[0], "GlobalAveragePool");
        if (x.Rank < 3)
            throw new TensorShapeException($"GlobalAveragePool: input {TensorShape.Format(x.Shape)} has no spatial axes");
        int planes = x.Shape[0] * x.Shape[1];
        int size = planes == 0 ? 0 : x.Length / planes;
        var y = Tensor.Create(GlobalShape(x.Shape));
        PlaneLoop.For(context, planes, size, p =>
            y.Floats[p] = size == 0 ? float.NaN : TensorPrimitives.Sum<float>(x.Floats.AsSpan(p * size, size)) / size);
        _inputShape = x.Shape;
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        int size = TensorShape.ElementCount(_inputShape.AsSpan(2));
        var dx = Tensor.Create(ScaleBatch(_inputShape, TensorStorage.SeedFactor(g, _inputShape[0] * _inputShape[1])));
        PlaneLoop.For(context, g.Length, size, p => dx.Floats.AsSpan(p * size, size).Fill(g.Floats[p] / size));
        return [dx];
    }

    // [N, C, 1, …, 1] with the input's rank.
    internal static int[] GlobalShape(int[] input) =>
        input.Select((d, i) => i < 2 ? d : 1).ToArray();
}
