using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Identity: the input itself (a view); the gradient passes through unchanged.</summary>
public sealed class IdentityOp : ViewOp
{
    protected override int[] OutputShape(Tensor[] inputs) => inputs[0].Shape;
}
