using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Cast between float32 and int64 (the engine's two element types). float → int64 truncates
/// toward zero as C does; its gradient is zero. A same-type cast passes the gradient through.
/// </summary>
public sealed class CastOp : Op
{
    /// <summary>ONNX TensorProto.DataType codes.</summary>
    public const long OnnxFloat = 1, OnnxInt64 = 7;

    private readonly DataType _to;
    private DataType _from;
    private int[] _inputShape = [];

    public CastOp(long to)
    {
        _to = to switch
        {
            OnnxFloat => DataType.Float32,
            OnnxInt64 => DataType.Int64,
            _ => throw new UnsupportedFeatureException($"Cast to ONNX data type {to} is not supported (float32 and int64 only)"),
        };
    }

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = inputs[0];
        (_from, _inputShape) = (x.Type, x.Shape);
        if (x.Type == _to)
            return [x.Reshape(x.Shape)];
        if (_to == DataType.Float32)
            return [Tensor.FromArray(x.ToFloatArray(), x.Shape)];
        var longs = new long[x.Length];
        for (int i = 0; i < longs.Length; i++)
        {
            float v = x.Floats[i];
            if (float.IsNaN(v) || v >= 9.2233720368547758e18f || v < -9.2233720368547758e18f)
                throw new TensorShapeException($"Cast: {v} does not fit int64");
            longs[i] = (long)v;
        }
        return [Tensor.FromInt64(longs, x.Shape)];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        if (!NeedsGradient(0))
            return [null];
        var g = outputGradients[0];
        var shape = ScaleBatch(_inputShape, TensorStorage.SeedFactor(g, TensorShape.ElementCount(_inputShape)));
        // Through an integer the function is piecewise constant: the gradient is zero almost everywhere.
        return [_from == DataType.Float32 && _to == DataType.Float32 ? g.Reshape(shape) : Tensor.Zeros(shape)];
    }
}
