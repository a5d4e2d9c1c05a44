using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

internal readonly struct ExpOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Exp(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Exp(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Exp(x);
}

internal readonly struct LogOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Log(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Log(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Log(x);
}

internal readonly struct SqrtOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Sqrt(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Sqrt(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Sqrt(x);
}

/// <summary>1/x by true division (the hardware reciprocal estimate is only 12-bit accurate).</summary>
internal readonly struct ReciprocalOperator : IUnaryOperator
{
    public float Invoke(float x) => 1 / x;
    public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / x;
    public Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / x;
}

internal readonly struct NegateOperator : IUnaryOperator
{
    public float Invoke(float x) => -x;
    public Vector256<float> Invoke(Vector256<float> x) => -x;
    public Vector512<float> Invoke(Vector512<float> x) => -x;
}

internal readonly struct AbsOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Abs(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Abs(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Abs(x);
}

internal readonly struct FloorOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Floor(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Floor(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Floor(x);
}

internal readonly struct CeilOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Ceiling(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Ceiling(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Ceiling(x);
}

/// <summary>a·k for a constant k (BatchNormalization's backward, ReduceMean's 1/n).</summary>
internal readonly struct ScaleOperator(float scale) : IUnaryOperator
{
    public float Invoke(float x) => x * scale;
    public Vector256<float> Invoke(Vector256<float> x) => x * scale;
    public Vector512<float> Invoke(Vector512<float> x) => x * scale;
}

/// <summary>x·scale + shift: inference BatchNormalization folded per channel.</summary>
internal readonly struct AffineOperator(float scale, float shift) : IUnaryOperator
{
    public float Invoke(float x) => x * scale + shift;
    public Vector256<float> Invoke(Vector256<float> x) => x * scale + Vector256.Create(shift);
    public Vector512<float> Invoke(Vector512<float> x) => x * scale + Vector512.Create(shift);
}
