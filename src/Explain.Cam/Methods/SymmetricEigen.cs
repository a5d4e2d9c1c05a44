namespace Explain.Cam.Methods;

/// <summary>Eigenpairs of a small symmetric matrix by the cyclic Jacobi method (Golub &amp; Van Loan §8.5).</summary>
internal static class SymmetricEigen
{
    public static (double Value, double[] Vector) Top(double[,] matrix)
    {
        var (a, v) = Diagonalize(matrix);
        int n = matrix.GetLength(0);
        int best = 0;
        for (int i = 1; i < n; i++)
            if (a[i, i] > a[best, best]) best = i;
        var vector = new double[n];
        for (int i = 0; i < n; i++) vector[i] = v[i, best];
        return (a[best, best], vector);
    }

    /// <summary>Every eigenpair, largest eigenvalue first (ties in index order).</summary>
    public static (double[] Values, double[][] Vectors) All(double[,] matrix)
    {
        var (a, v) = Diagonalize(matrix);
        int n = matrix.GetLength(0);
        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i, i]).ThenBy(i => i).ToArray();
        var values = order.Select(i => a[i, i]).ToArray();
        var vectors = order.Select(j => Enumerable.Range(0, n).Select(i => v[i, j]).ToArray()).ToArray();
        return (values, vectors);
    }

    private static (double[,] Diagonal, double[,] Vectors) Diagonalize(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < 60; sweep++)
        {
            double off = 0, total = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    total += a[i, j] * a[i, j];
                    if (i != j) off += a[i, j] * a[i, j];
                }
            if (off <= 1e-22 * total) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    Rotate(a, v, p, q, n);
        }
        return (a, v);
    }

    private static void Rotate(double[,] a, double[,] v, int p, int q, int n)
    {
        if (Math.Abs(a[p, q]) < 1e-300) return;
        double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
        double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++)
        {
            double akp = a[k, p], akq = a[k, q];
            a[k, p] = c * akp - s * akq;
            a[k, q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++)
        {
            double apk = a[p, k], aqk = a[q, k];
            a[p, k] = c * apk - s * aqk;
            a[q, k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k, p], vkq = v[k, q];
            v[k, p] = c * vkp - s * vkq;
            v[k, q] = s * vkp + c * vkq;
        }
    }
}
