using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Constant: no inputs, one output fixed at load time (value, value_float(s), value_int(s)).</summary>
public sealed class ConstantOp(Tensor value) : Op
{
    public override bool IsDifferentiable => false;

    public Tensor Value { get; } = value;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs) => [Value];
}
