using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// An element-wise function f(x) with scalar and SIMD forms that must agree up to float rounding.
/// Implementations are readonly structs so that <see cref="ElementwiseKernel"/> is specialised per
/// operator by the JIT (no virtual calls in the loop).
/// </summary>
/// <remarks>
/// Unlike dotnet/runtime's static-abstract IUnaryOperator, Invoke is an instance method: operators
/// such as LeakyRelu(alpha) or Clip(min, max) carry their ONNX attributes as fields, and a readonly
/// struct's fields cost nothing more than constants once the generic driver is specialised.
/// </remarks>
internal interface IUnaryOperator
{
    float Invoke(float x);

    Vector256<float> Invoke(Vector256<float> x);

    Vector512<float> Invoke(Vector512<float> x);
}
