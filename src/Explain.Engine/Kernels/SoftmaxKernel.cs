namespace Explain.Engine.Kernels;

/// <summary>
/// Softmax / LogSoftmax over the middle axis of an [outer, dim, inner] view, max-subtracted for
/// stability and accumulated in double. Backward from the saved output y:
/// softmax dx = y·(g − Σ g·y); log-softmax dx = g − e^y·Σ g.
/// </summary>
internal static class SoftmaxKernel
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int dim, int inner, bool log)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * dim * inner + i;
                float max = float.NegativeInfinity;
                for (int d = 0, k = start; d < dim; d++, k += inner)
                    max = MathF.Max(max, x[k]);
                double sum = 0;
                for (int d = 0, k = start; d < dim; d++, k += inner)
                    sum += Math.Exp(x[k] - max);
                double logSum = Math.Log(sum);
                for (int d = 0, k = start; d < dim; d++, k += inner)
                    y[k] = log ? (float)(x[k] - max - logSum) : (float)(Math.Exp(x[k] - max) / sum);
            }
    }

    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int outer, int dim, int inner, bool log)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * dim * inner + i;
                double s = 0;
                for (int d = 0, k = start; d < dim; d++, k += inner)
                    s += log ? g[k] : (double)g[k] * y[k];
                for (int d = 0, k = start; d < dim; d++, k += inner)
                    dx[k] = log ? (float)(g[k] - Math.Exp(y[k]) * s) : (float)(y[k] * (g[k] - s));
            }
    }
}
