using Explain.Cam.Methods;

namespace Explain.Cam.Attribution;

/// <summary>
/// Deterministic non-negative matrix factorization A ≈ W H (A: m × n ≥ 0, W: m × k, H: k × n,
/// both ≥ 0, Frobenius loss), in float64 and bit-for-bit the algorithm of
/// tests/fixtures/make_dff_fixtures.py:
/// <list type="bullet">
/// <item>initialization NNDSVDa (Boutsidis &amp; Gallopoulos 2008, as scikit-learn's
/// <c>init="nndsvda"</c>): the top-k singular triplets, each split into its positive and negative
/// parts, the larger kept; entries below 1e-6 set to the mean of A. The singular triplets come
/// from the smaller Gram matrix (AᵀA or AAᵀ) by Jacobi; NNDSVD picks the same part whatever the
/// sign of a singular pair, so the eigensolver's sign choice does not matter;</item>
/// <item>a fixed number of HALS sweeps (Cichocki &amp; Phan 2009), W then H, each column t of W
/// updated in place as W[:, t] ← max(0, W[:, t] − ((W HHᵀ)[:, t] − (AHᵀ)[:, t]) / HHᵀ[t, t]): scikit-learn's
/// <c>solver="cd"</c> update in its order (no shuffling, no regularization), without its tolerance stop, so
/// the result depends on nothing but A, k and the sweep count.</item>
/// </list>
/// </summary>
internal static class NonNegativeFactorization
{
    private const double Epsilon = 1e-6;

    /// <summary>Factorizes row-major <paramref name="a"/> (<paramref name="rows"/> × <paramref name="columns"/>, every entry ≥ 0).</summary>
    public static (double[] W, double[] H) Factorize(double[] a, int rows, int columns, int k, int sweeps)
    {
        if (k < 1 || k > Math.Min(rows, columns))
            throw new ArgumentException($"dff_concepts {k}: the layer's {rows} × {columns} activations allow 1..{Math.Min(rows, columns)} concepts");
        var (w, h) = Nndsvda(a, rows, columns, k);
        for (int s = 0; s < sweeps; s++)
        {
            UpdateColumns(a, rows, columns, w, h, k, transposed: false);
            UpdateColumns(a, rows, columns, h, w, k, transposed: true);
        }
        return (w, h);
    }

    /// <summary>
    /// One HALS sweep over the columns of <paramref name="f"/> (W as m × k, or Hᵀ as n × k stored
    /// as H, k × n) with the other factor <paramref name="g"/> fixed.
    /// </summary>
    private static void UpdateColumns(double[] a, int rows, int columns, double[] f, double[] g, int k, bool transposed)
    {
        // f is rows × k (W) or, transposed, H (k × columns) read as columns × k; g the other factor.
        int n = transposed ? columns : rows, inner = transposed ? rows : columns;
        double F(int i, int t) => transposed ? f[t * columns + i] : f[i * k + t];
        double G(int t, int j) => transposed ? g[j * k + t] : g[t * columns + j];
        double A(int i, int j) => transposed ? a[j * columns + i] : a[i * columns + j];
        var gram = new double[k, k];
        for (int t = 0; t < k; t++)
            for (int r = 0; r < k; r++)
            {
                double s = 0;
                for (int j = 0; j < inner; j++) s += G(t, j) * G(r, j);
                gram[t, r] = s;
            }
        var cross = new double[n, k];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < k; t++)
            {
                double s = 0;
                for (int j = 0; j < inner; j++) s += A(i, j) * G(t, j);
                cross[i, t] = s;
            }
        for (int t = 0; t < k; t++)
        {
            double hess = gram[t, t];
            if (hess == 0) continue;
            for (int i = 0; i < n; i++)
            {
                double grad = -cross[i, t];
                for (int r = 0; r < k; r++) grad += gram[t, r] * F(i, r);
                double value = Math.Max(F(i, t) - grad / hess, 0);
                if (transposed) f[t * columns + i] = value; else f[i * k + t] = value;
            }
        }
    }

    private static (double[] W, double[] H) Nndsvda(double[] a, int rows, int columns, int k)
    {
        var (sigma, u, v) = TopSingular(a, rows, columns, k);
        var w = new double[rows * k];
        var h = new double[k * columns];
        for (int j = 0; j < k; j++)
        {
            double[] x = u[j], y = v[j];
            double scale;
            if (j == 0)
            {
                x = x.Select(Math.Abs).ToArray();
                y = y.Select(Math.Abs).ToArray();
                scale = Math.Sqrt(sigma[0]);
            }
            else
            {
                var (xp, xn, yp, yn) = (x.Select(e => Math.Max(e, 0)).ToArray(), x.Select(e => -Math.Min(e, 0)).ToArray(), y.Select(e => Math.Max(e, 0)).ToArray(), y.Select(e => -Math.Min(e, 0)).ToArray());
                double mp = Norm(xp) * Norm(yp), mn = Norm(xn) * Norm(yn);
                (x, y) = mp > mn ? (Scaled(xp, 1 / Norm(xp)), Scaled(yp, 1 / Norm(yp))) : (Scaled(xn, 1 / Norm(xn)), Scaled(yn, 1 / Norm(yn)));
                scale = Math.Sqrt(sigma[j] * Math.Max(mp, mn));
            }
            for (int i = 0; i < rows; i++) w[i * k + j] = scale * x[i];
            for (int p = 0; p < columns; p++) h[j * columns + p] = scale * y[p];
        }
        double mean = a.Average();
        for (int i = 0; i < w.Length; i++) if (!(w[i] >= Epsilon)) w[i] = mean;
        for (int i = 0; i < h.Length; i++) if (!(h[i] >= Epsilon)) h[i] = mean;
        return (w, h);
    }

    /// <summary>The k largest singular values with unit left (length m) and right (length n) vectors, from the smaller Gram matrix; a singular value below 1e-12 σ₁ gives zero vectors.</summary>
    private static (double[] Sigma, double[][] U, double[][] V) TopSingular(double[] a, int rows, int columns, int k)
    {
        bool right = columns <= rows;
        int n = right ? columns : rows, inner = right ? rows : columns;
        double At(int i, int j) => right ? a[j * columns + i] : a[i * columns + j];
        var gram = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < inner; p++) s += At(i, p) * At(j, p);
                gram[i, j] = gram[j, i] = s;
            }
        var (values, vectors) = SymmetricEigen.All(gram);
        var sigma = new double[k];
        var u = new double[k][];
        var v = new double[k][];
        double first = Math.Sqrt(Math.Max(values[0], 0));
        for (int j = 0; j < k; j++)
        {
            sigma[j] = Math.Sqrt(Math.Max(values[j], 0));
            var known = vectors[j];
            // The other side: A v / σ (right) or Aᵀ u / σ (left).
            var other = new double[inner];
            if (sigma[j] > 1e-12 * first)
                for (int p = 0; p < inner; p++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += At(i, p) * known[i];
                    other[p] = s / sigma[j];
                }
            else
                known = new double[n];
            (u[j], v[j]) = right ? (other, known) : (known, other);
        }
        return (sigma, u, v);
    }

    private static double Norm(double[] x) => Math.Sqrt(x.Sum(e => e * e));

    private static double[] Scaled(double[] x, double s) => x.Select(e => e * s).ToArray();
}
