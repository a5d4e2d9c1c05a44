using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX GlobalMaxPool: the maximum of each channel plane. Backward routes each gradient to the
/// plane's first maximum (PyTorch's tie rule), kept when saving for backward.
/// </summary>
public sealed class GlobalMaxPoolOp : Op
{
    private int[] _inputShape = [];
    private int[] _argmax = [];

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = TensorStorage.RequireFloat(inputs[0], "GlobalMaxPool");
        if (x.Rank < 3)
            throw new TensorShapeException($"GlobalMaxPool: input {TensorShape.Format(x.Shape)} has no spatial axes");
        int planes = x.Shape[0] * x.Shape[1];
        int size = planes == 0 ? 0 : x.Length / planes;
        if (size == 0 && planes > 0)
            throw new TensorShapeException("GlobalMaxPool: empty spatial extent");
        var y = Tensor.Create(GlobalAveragePoolOp.GlobalShape(x.Shape));
        var argmax = context.SaveForBackward ? new int[planes] : [];
        PlaneLoop.For(context, planes, size, p =>
        {
            var plane = x.Floats.AsSpan(p * size, size);
            int arg = TensorPrimitives.IndexOfMax<float>(plane);
            y.Floats[p] = plane[arg];
            if (argmax.Length > 0)
                argmax[p] = arg;
        });
        (_inputShape, _argmax) = (x.Shape, argmax);
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        int planes = _argmax.Length;
        if (planes == 0 && g.Length > 0)
            throw new InvalidOperationException("GlobalMaxPool: backward without a forward pass that saved for backward");
        int size = TensorShape.ElementCount(_inputShape.AsSpan(2));
        var dx = Tensor.Zeros(ScaleBatch(_inputShape, TensorStorage.SeedFactor(g, planes)));
        for (int p = 0; p < g.Length; p++)
            dx.Floats[p * size + _argmax[p % planes]] = g.Floats[p];
        return [dx];
    }
}
