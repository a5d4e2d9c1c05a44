using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

internal readonly struct AddOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => a + b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a + b;
}

internal readonly struct SubtractOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => a - b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a - b;
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a - b;
}

internal readonly struct MultiplyOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => a * b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * b;
}

/// <summary>−a·b: the Div exponent-side rule ∂(a/b)/∂b · g = −(g/b)·y.</summary>
internal readonly struct NegativeMultiplyOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => -(a * b);
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => -(a * b);
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => -(a * b);
}

internal readonly struct DivideOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => a / b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a / b;
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a / b;
}

// ONNX Max/Min propagate NaN like numpy's maximum; Vector.Max and Math.Max both do.
internal readonly struct MaxOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => MathF.Max(a, b);
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
}

internal readonly struct MinOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => MathF.Min(a, b);
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
}

/// <summary>a^b. There is no SIMD pow, and negative bases with integral exponents need the libm rules, so lanes call MathF.Pow.</summary>
internal readonly struct PowOperator : IBinaryOperator
{
    public float Invoke(float a, float b) => MathF.Pow(a, b);

    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b)
    {
        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = MathF.Pow(a[i], b[i]);
        return Vector256.Create<float>(lanes);
    }

    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) =>
        Vector512.Create(Invoke(a.GetLower(), b.GetLower()), Invoke(a.GetUpper(), b.GetUpper()));
}
