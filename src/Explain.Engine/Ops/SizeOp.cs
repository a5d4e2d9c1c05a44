using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Size: the element count as an int64 scalar.</summary>
public sealed class SizeOp : Op
{
    public override bool IsDifferentiable => false;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs) => [Tensor.FromInt64([inputs[0].Length])];
}
