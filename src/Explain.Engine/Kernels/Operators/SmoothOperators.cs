using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

/// <summary>σ(x) = 1 / (1 + e^−x), evaluated in double.</summary>
internal readonly struct SigmoidOperator : IUnaryOperator, IDoubleFunction
{
    public float Invoke(float x) => (float)(1 / (1 + Math.Exp(-(double)x)));
    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);
    public Vector256<double> Invoke(Vector256<double> x) => Vector256<double>.One / (Vector256<double>.One + Vector256.Exp(-x));
}

/// <summary>From the saved output: g·y·(1 − y).</summary>
internal readonly struct SigmoidGradientOperator : IBinaryOperator
{
    public float Invoke(float y, float g) => g * y * (1 - y);
    public Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => g * y * (Vector256<float>.One - y);
    public Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => g * y * (Vector512<float>.One - y);
}

internal readonly struct TanhOperator : IUnaryOperator, IDoubleFunction
{
    public float Invoke(float x) => (float)DoubleLanes.Tanh(x);
    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);
    public Vector256<double> Invoke(Vector256<double> x) => DoubleLanes.Tanh(x);
}

/// <summary>From the saved output: g·(1 − y²).</summary>
internal readonly struct TanhGradientOperator : IBinaryOperator
{
    public float Invoke(float y, float g) => g * (1 - y * y);
    public Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => g * (Vector256<float>.One - y * y);
    public Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => g * (Vector512<float>.One - y * y);
}

/// <summary>softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|), which never overflows.</summary>
internal readonly struct SoftplusOperator : IUnaryOperator, IDoubleFunction
{
    public float Invoke(float x) => (float)(Math.Max(x, 0.0) + DoubleLanes.Log1p(Math.Exp(-Math.Abs((double)x))));
    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);
    public Vector256<double> Invoke(Vector256<double> x) =>
        Vector256.Max(x, Vector256<double>.Zero) + DoubleLanes.Log1p(Vector256.Exp(-Vector256.Abs(x)));
}

/// <summary>From the saved input: g·σ(x).</summary>
internal readonly struct SoftplusGradientOperator : IBinaryOperator
{
    public float Invoke(float x, float g) => g * default(SigmoidOperator).Invoke(x);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => g * default(SigmoidOperator).Invoke(x);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g * default(SigmoidOperator).Invoke(x);
}

/// <summary>ONNX Elu: x for x &gt; 0, alpha·(e^x − 1) otherwise (alpha default 1).</summary>
internal readonly struct EluOperator(float alpha) : IUnaryOperator, IDoubleFunction
{
    public float Invoke(float x) => x > 0 ? x : (float)(alpha * DoubleLanes.Expm1(x));
    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);
    public Vector256<double> Invoke(Vector256<double> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<double>.Zero), x, DoubleLanes.Expm1(x) * (double)alpha);
}

/// <summary>From the saved input: g for x &gt; 0, g·alpha·e^x otherwise.</summary>
internal readonly struct EluGradientOperator(float alpha) : IBinaryOperator
{
    public float Invoke(float x, float g) => x > 0 ? g : g * alpha * MathF.Exp(x);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, g * alpha * Vector256.Exp(x));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, g * alpha * Vector512.Exp(x));
}
