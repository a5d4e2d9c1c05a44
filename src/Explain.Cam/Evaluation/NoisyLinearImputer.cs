namespace Explain.Cam.Evaluation;

/// <summary>
/// ROAD's noisy linear imputation (Rong et al., ICML 2022, §4; pytorch-grad-cam metrics/road.py):
/// every removed pixel becomes the weighted mean of its in-bounds 8 neighbours (1/6 for the four
/// edge neighbours, 1/12 for the diagonals), removed neighbours being unknowns too, plus Gaussian
/// noise of standard deviation <c>noise</c>. One sparse system per image, shared by the channels.
/// </summary>
/// <remarks>
/// The library solves the system directly (scipy spsolve). It is symmetric positive definite
/// whenever some pixel is kept (the weights are symmetric, every row diagonally dominant, every
/// component of removed pixels borders a kept one), so we solve it by conjugate gradients with a
/// symmetric SOR preconditioner to a relative residual of 1e-7, far below the float32 inputs' own
/// precision. With no pixel kept the system is singular (the library's solver returns NaN): the
/// removed pixels are then 0 (the dataset mean after normalization) plus noise.
/// </remarks>
internal static class NoisyLinearImputer
{
    private static readonly (int Dy, int Dx, double W)[] Neighbours =
        [(1, 1, 1 / 12.0), (0, 1, 1 / 6.0), (-1, 1, 1 / 12.0), (1, -1, 1 / 12.0), (0, -1, 1 / 6.0), (-1, -1, 1 / 12.0), (1, 0, 1 / 6.0), (-1, 0, 1 / 6.0)];

    private const double Tolerance = 1e-7;
    private const double Omega = 1.8;   // SSOR relaxation: any 0 < ω < 2 is a valid preconditioner; 1.8 converged fastest at 112-224 px

    /// <summary>The image [C, H, W] with the pixels where <paramref name="keep"/> is false imputed.</summary>
    public static float[] Impute(ReadOnlySpan<float> image, bool[] keep, int height, int width, float noise, Random random)
    {
        int plane = height * width, channels = image.Length / plane;
        var result = image.ToArray();
        var system = new SparseSystem(keep, height, width);
        int n = system.Count;
        if (n == 0)
            return result;
        var x = new double[channels][];
        var source = image.ToArray();
        Parallel.For(0, channels, c => x[c] = system.Solve(source.AsSpan(c * plane, plane)));
        // Noise after solving, in a fixed order: the same seed gives the same image.
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < n; i++)
                result[c * plane + system.Pixels[i]] = (float)x[c][i] + (noise == 0 ? 0f : noise * Gaussian(random));
        return result;
    }

    private static float Gaussian(Random random)
    {
        double u = 1 - random.NextDouble(), v = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
    }

    /// <summary>d_i x_i − Σ_j w_ij x_j = Σ_known w_ik v_k over the removed pixels i (in pixel order), d_i = Σ in-bounds w.</summary>
    private sealed class SparseSystem
    {
        private readonly int[] _start, _column;
        private readonly double[] _weight, _diagonal;
        private readonly (int Pixel, double W)[][] _known;

        public SparseSystem(bool[] keep, int height, int width)
        {
            var pixels = new List<int>();
            for (int p = 0; p < keep.Length; p++)
                if (!keep[p]) pixels.Add(p);
            Pixels = pixels.ToArray();
            var index = new int[keep.Length];
            for (int i = 0; i < Pixels.Length; i++) index[Pixels[i]] = i;
            _start = new int[Pixels.Length + 1];
            var column = new List<int>();
            var weight = new List<double>();
            _diagonal = new double[Pixels.Length];
            _known = new (int, double)[Pixels.Length][];
            var known = new List<(int, double)>(8);
            var removed = new List<(int Column, double W)>(8);
            for (int i = 0; i < Pixels.Length; i++)
            {
                int y = Pixels[i] / width, x = Pixels[i] % width;
                known.Clear();
                removed.Clear();
                foreach (var (dy, dx, w) in Neighbours)
                {
                    int ny = y + dy, nx = x + dx;
                    if (ny < 0 || nx < 0 || ny >= height || nx >= width) continue;
                    _diagonal[i] += w;
                    int q = ny * width + nx;
                    if (keep[q]) known.Add((q, w));
                    else removed.Add((index[q], w));
                }
                // Columns ascending within a row: the SOR sweeps split a row at its diagonal.
                foreach (var (j, w) in removed.OrderBy(e => e.Column)) { column.Add(j); weight.Add(w); }
                _known[i] = known.ToArray();
                _start[i + 1] = column.Count;
            }
            _column = column.ToArray();
            _weight = weight.ToArray();
        }

        public int[] Pixels { get; }

        public int Count => Pixels.Length;

        /// <summary>Preconditioned conjugate gradients for one channel.</summary>
        public double[] Solve(ReadOnlySpan<float> channel)
        {
            int n = Count;
            var b = new double[n];
            for (int i = 0; i < n; i++)
                foreach (var (q, w) in _known[i]) b[i] += w * channel[q];
            var x = new double[n];
            var r = (double[])b.Clone();
            double bNorm = Math.Sqrt(Dot(b, b));
            if (bNorm == 0) return x;
            var z = new double[n];
            Precondition(r, z);
            var p = (double[])z.Clone();
            var ap = new double[n];
            double rz = Dot(r, z);
            for (int iteration = 0; iteration < 20 * n + 100 && Math.Sqrt(Dot(r, r)) > Tolerance * bNorm; iteration++)
            {
                Multiply(p, ap);
                double alpha = rz / Dot(p, ap);
                for (int i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * ap[i]; }
                Precondition(r, z);
                double next = Dot(r, z);
                double beta = next / rz;
                rz = next;
                for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
            }
            return x;
        }

        private void Multiply(double[] v, double[] result)
        {
            for (int i = 0; i < v.Length; i++)
            {
                double s = _diagonal[i] * v[i];
                for (int e = _start[i]; e < _start[i + 1]; e++) s -= _weight[e] * v[_column[e]];
                result[i] = s;
            }
        }

        /// <summary>z = M⁻¹ r, M = ω/(2−ω) (D/ω + L) (D/ω)⁻¹ (D/ω + U): a forward and a backward SOR sweep.</summary>
        private void Precondition(double[] r, double[] z)
        {
            int n = r.Length;
            for (int i = 0; i < n; i++)
            {
                double s = r[i];
                for (int e = _start[i]; e < _start[i + 1] && _column[e] < i; e++) s += _weight[e] * z[_column[e]];
                z[i] = Omega * s / _diagonal[i];
            }
            for (int i = 0; i < n; i++) z[i] *= _diagonal[i] / Omega;
            for (int i = n - 1; i >= 0; i--)
            {
                double s = z[i];
                for (int e = _start[i + 1] - 1; e >= _start[i] && _column[e] > i; e--) s += _weight[e] * z[_column[e]];
                z[i] = Omega * s / _diagonal[i];
            }
            for (int i = 0; i < n; i++) z[i] *= (2 - Omega) / Omega;
        }

        private static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }
    }
}
