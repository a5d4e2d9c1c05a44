using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX ConstantOfShape: a tensor of the input shape filled with 'value' (default float 0).</summary>
public sealed class ConstantOfShapeOp(Tensor? value) : Op
{
    private readonly Tensor _value = value is null ? Tensor.Scalar(0f)
        : value.Length == 1 ? value
        : throw new TensorShapeException("ConstantOfShape: value must hold exactly one element");

    public override bool IsDifferentiable => false;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var shape = TensorStorage.ToShape(TensorStorage.Ints(inputs[0]));
        var y = TensorStorage.Zeros(_value.Type, shape);
        if (_value.Type == DataType.Float32)
            y.Floats.AsSpan().Fill(_value.Floats[0]);
        else
            y.Longs.AsSpan().Fill(_value.Longs[0]);
        return [y];
    }
}
