namespace Explain.Cam.Attribution;

/// <summary>
/// Gauss–Legendre quadrature on [0, 1] (Captum's default rule for Integrated Gradients:
/// numpy.polynomial.legendre.leggauss(n) mapped by α = (1 + t)/2, weights halved). Nodes are the
/// roots of P_n found by Newton's iteration from Chebyshev guesses, weights 2/((1 − t²) P_n′(t)²).
/// </summary>
internal static class GaussLegendre
{
    public static (double[] Alphas, double[] Weights) OnUnitInterval(int n)
    {
        var alphas = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5)), derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double p, derivative) = Legendre(n, t);
                double step = p / derivative;
                t -= step;
                if (Math.Abs(step) < 1e-15) break;
            }
            derivative = Legendre(n, t).Derivative;
            // Ascending in α: node i of the descending cosines is α index n − 1 − i.
            alphas[n - 1 - i] = (1 + t) / 2;
            weights[n - 1 - i] = 1 / ((1 - t * t) * derivative * derivative);
        }
        return (alphas, weights);
    }

    private static (double Value, double Derivative) Legendre(int n, double t)
    {
        double p0 = 1, p1 = t;
        for (int k = 2; k <= n; k++)
            (p0, p1) = (p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k);
        if (n == 0) return (1, 0);
        return (p1, n * (t * p1 - p0) / (t * t - 1));
    }
}
