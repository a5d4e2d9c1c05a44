using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels;

/// <summary>
/// Transcendental helpers evaluated in double precision. float operators widen to double for
/// functions whose textbook formulas cancel (tanh, expm1, log1p near 0): the double result rounds
/// to the correctly rounded float almost always, without a float-specific minimax per function.
/// </summary>
internal static class DoubleLanes
{
    /// <summary>Below this |x|, exp(x) − 1 is replaced by its Taylor series x + x²/2 + x³/6.</summary>
    private const double Expm1SeriesLimit = 1e-5;

    /// <summary>Below this u, log(1 + u) is replaced by u − u²/2.</summary>
    private const double Log1pSeriesLimit = 1e-8;

    public static double Expm1(double x) => Math.Abs(x) < Expm1SeriesLimit ? x + x * x * (0.5 + x / 6) : Math.Exp(x) - 1;

    public static Vector256<double> Expm1(Vector256<double> x)
    {
        var series = x + x * x * (Vector256.Create(0.5) + x / 6);
        var direct = Vector256.Exp(x) - Vector256<double>.One;
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(Expm1SeriesLimit)), series, direct);
    }

    public static double Log1p(double u) => u < Log1pSeriesLimit ? u - u * u * 0.5 : Math.Log(1 + u);

    /// <summary>log(1 + u) for u ≥ 0.</summary>
    public static Vector256<double> Log1p(Vector256<double> u)
    {
        var series = u - u * u * 0.5;
        var direct = Vector256.Log(Vector256<double>.One + u);
        return Vector256.ConditionalSelect(Vector256.LessThan(u, Vector256.Create(Log1pSeriesLimit)), series, direct);
    }

    /// <summary>tanh(x) = −expm1(−2|x|) / (2 + expm1(−2|x|)) with the sign of x: no cancellation near 0.</summary>
    public static double Tanh(double x)
    {
        double e = Expm1(-2 * Math.Abs(x));
        return Math.CopySign(-e / (2 + e), x);
    }

    public static Vector256<double> Tanh(Vector256<double> x)
    {
        var e = Expm1(Vector256.Create(-2.0) * Vector256.Abs(x));
        return Vector256.CopySign(-e / (Vector256.Create(2.0) + e), x);
    }

    /// <summary>Applies a double-precision function to the 8 float lanes (two 4-lane halves).</summary>
    public static Vector256<float> Map<TFunction>(Vector256<float> x, TFunction f)
        where TFunction : struct, IDoubleFunction
    {
        var (lower, upper) = Vector256.Widen(x);
        return Vector256.Narrow(f.Invoke(lower), f.Invoke(upper));
    }

    public static Vector512<float> Map<TFunction>(Vector512<float> x, TFunction f)
        where TFunction : struct, IDoubleFunction =>
        Vector512.Create(Map(x.GetLower(), f), Map(x.GetUpper(), f));
}

/// <summary>A function evaluated on four double lanes, for <see cref="DoubleLanes.Map{TFunction}(Vector256{float}, TFunction)"/>.</summary>
internal interface IDoubleFunction
{
    Vector256<double> Invoke(Vector256<double> x);
}
