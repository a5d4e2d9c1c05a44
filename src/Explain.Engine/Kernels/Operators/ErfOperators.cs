using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

/// <summary>
/// erf(x) to ~1e-9 in double, so float results are correctly rounded or 1 ulp off.
/// |x| &lt; 1: erf(x) = x·P(x²), P of degree 6 (max relative error 1.3e-9).
/// 1 ≤ |x|: erfc(|x|) = e^(−x²)·Q(1/|x|), Q of degree 12 fitted to erfc(x)·e^(x²) on [1, 6] (max
/// relative error 7.4e-10); |x| is clamped to 6 where erfc is 2e-17. The erfc form is exposed so that
/// Gelu's left tail, Φ(x) = erfc(−x/√2)/2, does not cancel.
/// Coefficients: weighted least squares on Chebyshev nodes against Python's math.erf/erfc.
/// (Abramowitz–Stegun 7.1.26, the usual shortcut, is only accurate to 1.5e-7 absolute.)
/// </summary>
internal readonly struct ErfOperator : IUnaryOperator, IDoubleFunction
{
    private const double Clamp = 6;

    private static readonly double[] P =
    [
        1.1283791656893225e+00, -3.7612625567399377e-01, 1.1283582247994077e-01, -2.6853691099772658e-02,
        5.1880988895190838e-03, -8.0081893242557080e-04, 7.8472591308087310e-05,
    ];

    private static readonly double[] Q =
    [
        -7.55066681196920598e-06, 5.64448125352708940e-01, -3.93615103751202445e-03, -2.46999153080592310e-01,
        -2.02421536922980844e-01, 1.20408062737364219e+00, -1.97411249049722559e+00, 1.80988728004373400e+00,
        -9.03465084518056849e-01, 8.75488457132016784e-02, 1.74364659232997127e-01, -1.00163159994485551e-01,
        1.83591654725198845e-02,
    ];

    public float Invoke(float x) => (float)Erf(x);
    public Vector256<float> Invoke(Vector256<float> x) => DoubleLanes.Map(x, this);
    public Vector512<float> Invoke(Vector512<float> x) => DoubleLanes.Map(x, this);

    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double r = ax < 1 ? ax * Horner(P, ax * ax) : 1 - Erfc(ax);
        return double.IsNaN(x) ? x : Math.CopySign(r, x);
    }

    /// <summary>erfc(z) for z ≥ 1.</summary>
    public static double Erfc(double z)
    {
        z = Math.Min(z, Clamp);
        return Math.Exp(-z * z) * Horner(Q, 1 / z);
    }

    public Vector256<double> Invoke(Vector256<double> x)
    {
        var ax = Vector256.Abs(x);
        var small = ax * Horner(P, ax * ax);
        var r = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256<double>.One), small, Vector256<double>.One - Erfc(ax));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), Vector256.CopySign(r, x), x);
    }

    /// <summary>erfc(z), meaningful for lanes with z ≥ 1 (others are garbage, to be blended away).</summary>
    public static Vector256<double> Erfc(Vector256<double> z)
    {
        z = Vector256.Min(z, Vector256.Create(Clamp));
        return Vector256.Exp(-(z * z)) * Horner(Q, Vector256<double>.One / z);
    }

    /// <summary>The standard normal CDF Φ(x) = (1 + erf(x/√2))/2, via erfc in the left tail.</summary>
    public static double NormalCdf(double x)
    {
        double z = x * 0.70710678118654752440;
        return z <= -1 ? 0.5 * Erfc(-z) : 0.5 * (1 + Erf(z));
    }

    public static Vector256<double> NormalCdf(Vector256<double> x)
    {
        var z = x * 0.70710678118654752440;
        var tail = Erfc(-z) * 0.5;
        var body = (Vector256<double>.One + default(ErfOperator).Invoke(z)) * 0.5;
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(z, Vector256.Create(-1.0)), tail, body);
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
