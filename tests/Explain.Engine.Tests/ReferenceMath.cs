namespace Explain.Engine.Tests;

/// <summary>Double-precision references independent of the engine's kernels.</summary>
internal static class ReferenceMath
{
    /// <summary>erf by its Maclaurin series for |x| ≤ 2.5 and 1 − erfc (continued fraction) beyond.</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax > 2.5)
            return Math.CopySign(1 - Erfc(ax), x);
        double s = 0, power = x;
        for (int n = 0; n < 200; n++)
        {
            double t = power / (Factorial(n) * (2 * n + 1));
            s += n % 2 == 0 ? t : -t;
            power *= x * x;
            if (Math.Abs(t) < 1e-20)
                break;
        }
        return 2 / Math.Sqrt(Math.PI) * s;
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>x·Φ(x); in the left tail Φ comes from erfc so that 1 + erf does not cancel.</summary>
    public static double Gelu(double x) => x * NormalCdf(x);

    public static double NormalCdf(double x)
    {
        double z = -x / Math.Sqrt(2);
        return z < 2 ? 0.5 * (1 + Erf(-z)) : 0.5 * Erfc(z);
    }

    /// <summary>erfc(z) for z ≥ 2 by the continued fraction e^(−z²)/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …)))).</summary>
    public static double Erfc(double z)
    {
        double k = 0;
        for (int n = 400; n >= 1; n--)
            k = n / 2.0 / (z + k);
        return Math.Exp(-z * z) / Math.Sqrt(Math.PI) / (z + k);
    }

    private static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++)
            f *= i;
        return f;
    }
}
