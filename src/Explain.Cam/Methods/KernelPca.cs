namespace Explain.Cam.Methods;

/// <summary>
/// The first kernel principal component of a C×HW feature map (Schölkopf, Smola &amp; Müller 1998),
/// as scikit-learn's KernelPCA(n_components=1).fit_transform computes it: positions are samples
/// (rows of X, HW × C, centred per channel as pytorch-grad-cam does first), K_pq = k(x_p, x_q), the
/// kernel centred in feature space K̃ = K − 1K − K1 + 1K1 (1 = the matrix of 1/n), its top
/// eigenpair (λ, v), and the projection v √λ, with scikit-learn's deterministic sign (svd_flip: the
/// entry of largest magnitude is positive).
/// </summary>
internal static class KernelPca
{
    public static float[] Project(ReadOnlySpan<float> features, int channels, int positions, KpcaKernel kernel, double gamma)
    {
        var x = new double[positions, channels];
        for (int c = 0; c < channels; c++)
        {
            double mean = 0;
            for (int p = 0; p < positions; p++) mean += features[c * positions + p];
            mean /= positions;
            for (int p = 0; p < positions; p++) x[p, c] = features[c * positions + p] - mean;
        }
        var k = Centre(Kernel(x, positions, channels, kernel, gamma));
        var (lambda, v) = SymmetricEigen.Top(k);
        int largest = 0;
        for (int p = 1; p < positions; p++)
            if (Math.Abs(v[p]) > Math.Abs(v[largest])) largest = p;
        double scale = Math.Sqrt(Math.Max(lambda, 0)) * Math.Sign(v[largest]);
        var projection = new float[positions];
        for (int p = 0; p < positions; p++) projection[p] = (float)(v[p] * scale);
        return projection;
    }

    private static double[,] Kernel(double[,] x, int n, int channels, KpcaKernel kernel, double gamma)
    {
        var norms = new double[n];
        for (int p = 0; p < n; p++)
            for (int c = 0; c < channels; c++) norms[p] += x[p, c] * x[p, c];
        var k = new double[n, n];
        for (int p = 0; p < n; p++)
            for (int q = p; q < n; q++)
            {
                double dot = 0;
                for (int c = 0; c < channels; c++) dot += x[p, c] * x[q, c];
                k[p, q] = k[q, p] = kernel switch
                {
                    KpcaKernel.Sigmoid => Math.Tanh(gamma * dot + 1),
                    KpcaKernel.Rbf => Math.Exp(-gamma * Math.Max(norms[p] + norms[q] - 2 * dot, 0)),
                    KpcaKernel.Poly => Math.Pow(gamma * dot + 1, 3),
                    KpcaKernel.Linear => dot,
                    // scikit-learn's normalize() leaves a zero row zero.
                    _ => norms[p] == 0 || norms[q] == 0 ? 0 : dot / Math.Sqrt(norms[p] * norms[q]),
                };
            }
        return k;
    }

    private static double[,] Centre(double[,] k)
    {
        int n = k.GetLength(0);
        var rows = new double[n];
        double all = 0;
        for (int p = 0; p < n; p++)
        {
            for (int q = 0; q < n; q++) rows[p] += k[p, q];
            all += rows[p];
            rows[p] /= n;
        }
        all /= (double)n * n;
        var centred = new double[n, n];
        for (int p = 0; p < n; p++)
            for (int q = 0; q < n; q++)
                centred[p, q] = k[p, q] - rows[p] - rows[q] + all;
        return centred;
    }
}
