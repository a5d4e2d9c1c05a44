using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

/// <summary>ONNX HardSigmoid: max(0, min(1, alpha·x + beta)); defaults alpha 0.2, beta 0.5.</summary>
internal readonly struct HardSigmoidOperator(float alpha, float beta) : IUnaryOperator
{
    public float Invoke(float x) => MathF.Max(0, MathF.Min(1, alpha * x + beta));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, x * alpha + Vector256.Create(beta)));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(Vector512<float>.Zero, Vector512.Min(Vector512<float>.One, x * alpha + Vector512.Create(beta)));
}

/// <summary>From the saved input: alpha·g inside the linear segment 0 &lt; alpha·x + beta &lt; 1, else 0.</summary>
internal readonly struct HardSigmoidGradientOperator(float alpha, float beta) : IBinaryOperator
{
    public float Invoke(float x, float g)
    {
        float v = alpha * x + beta;
        return v > 0 && v < 1 ? alpha * g : 0;
    }

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g)
    {
        var v = x * alpha + Vector256.Create(beta);
        return (g * alpha) & Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.LessThan(v, Vector256<float>.One);
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g)
    {
        var v = x * alpha + Vector512.Create(beta);
        return (g * alpha) & Vector512.GreaterThan(v, Vector512<float>.Zero) & Vector512.LessThan(v, Vector512<float>.One);
    }
}

/// <summary>ONNX HardSwish: x · max(0, min(1, x/6 + 1/2)).</summary>
internal readonly struct HardSwishOperator : IUnaryOperator
{
    private static readonly HardSigmoidOperator Gate = new(1f / 6, 0.5f);

    public float Invoke(float x) => x * Gate.Invoke(x);
    public Vector256<float> Invoke(Vector256<float> x) => x * Gate.Invoke(x);
    public Vector512<float> Invoke(Vector512<float> x) => x * Gate.Invoke(x);
}

/// <summary>As PyTorch's hardswish_backward: 0 for x &lt; −3, g·(x/3 + 1/2) for x ≤ 3, g above.</summary>
internal readonly struct HardSwishGradientOperator : IBinaryOperator
{
    public float Invoke(float x, float g) => x < -3 ? 0 : x <= 3 ? g * (x / 3 + 0.5f) : g;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g)
    {
        var middle = g * (x / 3 + Vector256.Create(0.5f));
        var upper = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256.Create(3f)), middle, g);
        return upper & Vector256.GreaterThanOrEqual(x, Vector256.Create(-3f));
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g)
    {
        var middle = g * (x / 3 + Vector512.Create(0.5f));
        var upper = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512.Create(3f)), middle, g);
        return upper & Vector512.GreaterThanOrEqual(x, Vector512.Create(-3f));
    }
}
