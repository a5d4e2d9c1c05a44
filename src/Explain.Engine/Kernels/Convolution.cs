using System.Buffers;

namespace Explain.Engine.Kernels;

/// <summary>
/// Grouped 2-D convolution as GEMM: per image and group, Y[Mg × OH·OW] = W[Mg × K]·col[K × OH·OW]
/// with K = Cg·KH·KW, bias and a fused clamp applied in the GEMM epilogue. Pointwise convolutions
/// (1×1, stride 1, no pad) multiply the input planes directly. The data gradient is the adjoint:
/// dcol = Wᵀ·dY then col2im. Weights are packed once per group by the caller (they are constants).
/// </summary>
public static unsafe class Convolution
{
    /// <summary>Per group, the Mg×K weight matrix packed as a GEMM left operand.</summary>
    public static PackedMatrix[] PackWeights(ConvGeometry g, ReadOnlySpan<float> w) =>
        PackGroups(g, w, transposed: false);

    /// <summary>Per group, Wᵀ (K×Mg) packed as a GEMM left operand for the data gradient.</summary>
    public static PackedMatrix[] PackTransposedWeights(ConvGeometry g, ReadOnlySpan<float> w) =>
        PackGroups(g, w, transposed: true);

    /// <summary>y = clamp(conv(x, W) + bias) for all images of g.Batch.</summary>
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, PackedMatrix[] weights, float[]? bias, Span<float> y, GemmEpilogue activation, ParallelOptions? parallel)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        {
            float* xs = px, ys = py;
            int xLength = x.Length, yLength = y.Length;
            ForImages(g.Batch, parallel, (image, inner) =>
                ForwardImage(g, new ReadOnlySpan<float>(xs, xLength), weights, bias, new Span<float>(ys, yLength), activation, image, inner));
        }
    }

    /// <summary>dx = ∂(Σ y·dy)/∂x for <paramref name="images"/> gradient rows (F·N under batched seeds).</summary>
    public static void BackwardData(ConvGeometry g, int images, ReadOnlySpan<float> dy, PackedMatrix[] transposedWeights, Span<float> dx, ParallelOptions? parallel)
    {
        fixed (float* pdy = dy)
        fixed (float* pdx = dx)
        {
            float* dys = pdy, dxs = pdx;
            int dyLength = dy.Length, dxLength = dx.Length;
            ForImages(images, parallel, (image, inner) =>
                BackwardImage(g, new ReadOnlySpan<float>(dys, dyLength), transposedWeights, new Span<float>(dxs, dxLength), image, inner));
        }
    }

    /// <summary>
    /// Several images (batched seeds) run one per thread: no packing is shared or repeated and small
    /// planes (7×7 at ResNet's last stage) stop being too narrow to split. Otherwise the GEMM splits.
    /// </summary>
    private static void ForImages(int images, ParallelOptions? parallel, Action<int, ParallelOptions?> body)
    {
        int threads = parallel is null ? 1 : parallel.MaxDegreeOfParallelism < 1 ? Environment.ProcessorCount : parallel.MaxDegreeOfParallelism;
        if (threads > 1 && images >= threads && (images % threads == 0 || images >= 4 * threads))
            Parallel.For(0, images, parallel!, image => body(image, null));
        else
            for (int image = 0; image < images; image++)
                body(image, parallel);
    }

    /// <summary>One image, group by group: pointwise multiplies x directly, others lower while packing.</summary>
    private static void ForwardImage(ConvGeometry g, ReadOnlySpan<float> x, PackedMatrix[] weights, float[]? bias, Span<float> y, GemmEpilogue activation, int image, ParallelOptions? parallel)
    {
        int n = g.OutPlane, mg = g.GroupOutChannels;
        for (int group = 0; group < g.Group; group++)
        {
            var xg = x.Slice((image * g.Channels + group * g.GroupChannels) * g.InPlane, g.GroupChannels * g.InPlane);
            var yg = y.Slice((image * g.OutChannels + group * mg) * n, mg * n);
            var epilogue = activation.WithBias(bias, group * mg);
            if (g.IsPointwise)
            {
                Gemm.Multiply(weights[group], xg, n, false, n, yg, n, false, epilogue, parallel);
                continue;
            }
            fixed (float* px = xg)
                Gemm.MultiplyLowered(weights[group], Im2ColView.Create(g, px), n, yg, n, epilogue, parallel);
        }
    }

    private static void BackwardImage(ConvGeometry g, ReadOnlySpan<float> dy, PackedMatrix[] transposedWeights, Span<float> dx, int image, ParallelOptions? parallel)
    {
        int k = g.ColumnRows, n = g.OutPlane, mg = g.GroupOutChannels;
        float[]? col = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(k * n);
        for (int group = 0; group < g.Group; group++)
        {
            var dyg = dy.Slice((image * g.OutChannels + group * mg) * n, mg * n);
            var dxg = dx.Slice((image * g.Channels + group * g.GroupChannels) * g.InPlane, g.GroupChannels * g.InPlane);
            if (col is null)
            {
                Gemm.Multiply(transposedWeights[group], dyg, n, false, n, dxg, n, false, GemmEpilogue.None, parallel);
                continue;
            }
            Gemm.Multiply(transposedWeights[group], dyg, n, false, n, col, n, false, GemmEpilogue.None, parallel);
            dxg.Clear();
            Raise(g, col, dxg, parallel);
        }
        if (col is not null)
            ArrayPool<float>.Shared.Return(col);
    }

    private static PackedMatrix[] PackGroups(ConvGeometry g, ReadOnlySpan<float> w, bool transposed)
    {
        int k = g.ColumnRows, mg = g.GroupOutChannels;
        var packs = new PackedMatrix[g.Group];
        for (int group = 0; group < g.Group; group++)
            packs[group] = transposed
                ? PackedMatrix.Pack(w, group * mg * k, k, mg, k, transposed: true)
                : PackedMatrix.Pack(w, group * mg * k, mg, k, k, transposed: false);
        return packs;
    }

    /// <summary>col2im, split over input channels (whole groups of KH·KW rows) so no two threads add to one plane.</summary>
    private static void Raise(ConvGeometry g, float[] col, Span<float> dxg, ParallelOptions? parallel)
    {
        int taps = g.KernelHeight * g.KernelWidth;
        if (parallel is null || (long)g.ColumnRows * g.OutPlane < 1 << 16)
        {
            Im2Col.Accumulate(g, col, dxg, 0, g.ColumnRows);
            return;
        }
        fixed (float* pdx = dxg)
        {
            float* target = pdx;
            int length = dxg.Length;
            RowChunks(g.GroupChannels, parallel, (first, end) => Im2Col.Accumulate(g, col, new Span<float>(target, length), first * taps, end * taps));
        }
    }

    private static void RowChunks(int count, ParallelOptions parallel, Action<int, int> body)
    {
        int parts = Math.Min(count, Math.Max(1, parallel.MaxDegreeOfParallelism < 1 ? Environment.ProcessorCount : parallel.MaxDegreeOfParallelism));
        Parallel.For(0, parts, parallel, part => body(count * part / parts, count * (part + 1) / parts));
    }
}
