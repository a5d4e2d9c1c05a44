using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

/// <summary>Backward rules (saved, g) ↦ input gradient; "saved" is the output y or the input x as named.</summary>
internal readonly struct ExpGradientOperator : IBinaryOperator
{
    public float Invoke(float y, float g) => g * y;
    public Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => g * y;
    public Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => g * y;
}

internal readonly struct LogGradientOperator : IBinaryOperator
{
    public float Invoke(float x, float g) => g / x;
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => g / x;
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g / x;
}

internal readonly struct SqrtGradientOperator : IBinaryOperator
{
    public float Invoke(float y, float g) => g * 0.5f / y;
    public Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => g * 0.5f / y;
    public Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => g * 0.5f / y;
}

/// <summary>d(1/x) = −1/x² = −y².</summary>
internal readonly struct ReciprocalGradientOperator : IBinaryOperator
{
    public float Invoke(float y, float g) => -g * y * y;
    public Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => -g * y * y;
    public Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => -g * y * y;
}

internal readonly struct NegateGradientOperator : IBinaryOperator
{
    public float Invoke(float unused, float g) => -g;
    public Vector256<float> Invoke(Vector256<float> unused, Vector256<float> g) => -g;
    public Vector512<float> Invoke(Vector512<float> unused, Vector512<float> g) => -g;
}

/// <summary>sign(x)·g, 0 at x = 0 (PyTorch's sgn convention).</summary>
internal readonly struct AbsGradientOperator : IBinaryOperator
{
    public float Invoke(float x, float g) => x > 0 ? g : x < 0 ? -g : 0;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -g, g) & ~Vector256.Equals(x, Vector256<float>.Zero);

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), -g, g) & ~Vector512.Equals(x, Vector512<float>.Zero);
}

/// <summary>Piecewise-constant functions (Floor, Ceil): zero gradient almost everywhere.</summary>
internal readonly struct ZeroGradientOperator : IBinaryOperator
{
    public float Invoke(float unused, float g) => 0;
    public Vector256<float> Invoke(Vector256<float> unused, Vector256<float> g) => Vector256<float>.Zero;
    public Vector512<float> Invoke(Vector512<float> unused, Vector512<float> g) => Vector512<float>.Zero;
}
