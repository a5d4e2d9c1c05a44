using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

/// <summary>
/// erf(x) to ~1e-9 absolute in double, so float results are correctly rounded or 1 ulp off.
/// |x| &lt; 1: erf(x) = x·P(x²), P of degree 6 (max relative error 1.3e-9).
/// 1 ≤ |x| ≤ 4: erf(x) = 1 − e^(−x²)·Q(1/x), Q of degree 10 fitted to erfc(x)·e^(x²) (max error 4.3e-10).
/// |x| &gt; 4: erfc(4) = 1.5e-8 is below half a float ulp of 1, so x is clamped to 4.
/// Coefficients: weighted least squares on 400–600 Chebyshev nodes against Python's math.erf/erfc.
/// (Abramowitz–Stegun 7.1.26, the usual shortcut, is only accurate to 1.5e-7 absolute.)
/// </summary>
internal readonly struct ErfOperator : IUnaryOperator, IDoubleFunction
{
    private static readonly double[] P =
    [
        1.1283791656893225e+00, -3.7612625567399377e-01, 1.1283582247994077e-01, -2.6853691099772658e-02,
        5.1880988895190838e-03, -8.0081893242557080e-04, 7.8472591308087310e-05,
    ];

    private static readonly double[] Q =
    [
        2.5961347768500061e-05, 5.6371922826403509e-01, 3.0154581757539465e-03, -2.8518630822720831e-01,
        -6.9268509795861397e-02, 8.9948597697898924e-01, -1.5240539639880426e+00, 1.4240048797156319e+00,
        -8.1060417719020328e-01, 2.6466263473768403e-01, -3.8217605028162620e-02,
    ];

    public float Invoke(float x) => (float)Erf(x);
    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);

    public static double Erf(double x)
    {
        double ax = Math.Min(Math.Abs(x), 4.0);
        double r = ax < 1 ? ax * Horner(P, ax * ax) : 1 - Math.Exp(-ax * ax) * Horner(Q, 1 / ax);
        return double.IsNaN(x) ? x : Math.CopySign(r, x);
    }

    public Vector256<double> Invoke(Vector256<double> x)
    {
        var ax = Vector256.Min(Vector256.Abs(x), Vector256.Create(4.0));
        var small = ax * Horner(P, ax * ax);
        var large = Vector256<double>.One - Vector256.Exp(-(ax * ax)) * Horner(Q, Vector256<double>.One / ax);
        var r = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256<double>.One), small, large);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), Vector256.CopySign(r, x), x);
    }

    private static double Horner(double[] c, double t)
    {
        double s = c[^1];
        for (int i = c.Length - 2; i >= 0; i--)
            s = s * t + c[i];
        return s;
    }

    private static Vector256<double> Horner(double[] c, Vector256<double> t)
    {
        var s = Vector256.Create(c[^1]);
        for (int i = c.Length - 2; i >= 0; i--)
            s = s * t + Vector256.Create(c[i]);
        return s;
    }
}

/// <summary>From the saved input: g·(2/√π)·e^(−x²).</summary>
internal readonly struct ErfGradientOperator : IBinaryOperator
{
    private const float TwoOverSqrtPi = 1.1283791670955126f;

    public float Invoke(float x, float g) => g * TwoOverSqrtPi * MathF.Exp(-x * x);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => g * TwoOverSqrtPi * Vector256.Exp(-(x * x));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g * TwoOverSqrtPi * Vector512.Exp(-(x * x));
}
