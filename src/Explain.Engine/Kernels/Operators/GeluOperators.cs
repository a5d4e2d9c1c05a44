using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

/// <summary>
/// ONNX Gelu (opset 20): x·Φ(x) = x/2·(1 + erf(x/√2)), or with approximate="tanh"
/// x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel 2016, eq. 2). Evaluated in double.
/// </summary>
internal readonly struct GeluOperator(bool tanh) : IUnaryOperator, IDoubleFunction
{
    internal const double InvSqrt2 = 0.70710678118654752440;
    internal const double SqrtTwoOverPi = 0.79788456080286535588;
    internal const double Cubic = 0.044715;

    // The tanh form uses x/2·(1 + tanh u) = x·σ(2u), which does not cancel in the negative tail.
    public float Invoke(float x) => tanh
        ? (float)(x / (1 + Math.Exp(-2 * SqrtTwoOverPi * (x + Cubic * x * x * x))))
        : (float)(x * ErfOperator.NormalCdf(x));

    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);

    public Vector256<double> Invoke(Vector256<double> x)
    {
        if (tanh)
            return x / (Vector256<double>.One + Vector256.Exp((x + x * x * x * Cubic) * (-2 * SqrtTwoOverPi)));
        return x * ErfOperator.NormalCdf(x);
    }
}

/// <summary>From the saved input: Φ(x) + x·φ(x) exactly, or the derivative of the tanh form.</summary>
internal readonly struct GeluGradientOperator(bool tanh) : IBinaryOperator
{
    private const double InvSqrt2Pi = 0.39894228040143267794;

    public float Invoke(float x, float g) => (float)(g * Derivative(x));

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g)
    {
        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = (float)Derivative(x[i]);
        return g * Vector256.Create<float>(lanes);
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) =>
        Vector512.Create(Invoke(x.GetLower(), g.GetLower()), Invoke(x.GetUpper(), g.GetUpper()));

    private double Derivative(double x)
    {
        if (!tanh)
            return ErfOperator.NormalCdf(x) + x * InvSqrt2Pi * Math.Exp(-0.5 * x * x);
        double t = DoubleLanes.Tanh(GeluOperator.SqrtTwoOverPi * (x + GeluOperator.Cubic * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GeluOperator.SqrtTwoOverPi * (1 + 3 * GeluOperator.Cubic * x * x);
    }
}
