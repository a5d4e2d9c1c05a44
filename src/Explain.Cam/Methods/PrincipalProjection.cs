namespace Explain.Cam.Methods;

/// <summary>
/// Projection of a C×HW feature map on its first principal component: X (HW × C) is centred per
/// channel and projected on the first right-singular vector v₁, giving X v₁ = σ₁ u₁ (one value per
/// position). The sign of a singular vector is arbitrary.
/// </summary>
/// <remarks>
/// Computed from the smaller Gram matrix: XXᵀ (HW × HW) when HW ≤ C, whose top eigenvector u₁
/// gives X v₁ = √λ₁ u₁; otherwise XᵀX (C × C), whose top eigenvector is v₁. Both by cyclic Jacobi.
/// </remarks>
internal static class PrincipalProjection
{
    public static float[] Project(ReadOnlySpan<float> features, int channels, int positions)
    {
        var x = new double[positions, channels];
        for (int k = 0; k < channels; k++)
        {
            double mean = 0;
            for (int p = 0; p < positions; p++) mean += features[k * positions + p];
            mean /= positions;
            for (int p = 0; p < positions; p++) x[p, k] = features[k * positions + p] - mean;
        }
        var projection = new float[positions];
        if (positions <= channels)
        {
            var gram = Gram(x, positions, channels, rows: true);
            var (lambda, u) = SymmetricEigen.Top(gram);
            double sigma = Math.Sqrt(Math.Max(lambda, 0));
            for (int p = 0; p < positions; p++) projection[p] = (float)(sigma * u[p]);
        }
        else
        {
            var (_, v) = SymmetricEigen.Top(Gram(x, positions, channels, rows: false));
            for (int p = 0; p < positions; p++)
            {
                double s = 0;
                for (int k = 0; k < channels; k++) s += x[p, k] * v[k];
                projection[p] = (float)s;
            }
        }
        return projection;
    }

    private static double[,] Gram(double[,] x, int positions, int channels, bool rows)
    {
        int n = rows ? positions : channels;
        int inner = rows ? channels : positions;
        var g = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double s = 0;
                for (int t = 0; t < inner; t++)
                    s += rows ? x[i, t] * x[j, t] : x[t, i] * x[t, j];
                g[i, j] = g[j, i] = s;
            }
        return g;
    }
}
