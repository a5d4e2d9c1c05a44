using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// An element-wise function f(a, b) with scalar and SIMD forms. Used for broadcast arithmetic and,
/// with a = the saved forward tensor and b = the incoming gradient, for the backward rules of unary ops.
/// </summary>
internal interface IBinaryOperator
{
    float Invoke(float a, float b);

    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);

    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}
