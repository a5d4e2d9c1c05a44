using System.Buffers;
using System.Numerics.Tensors;

namespace Explain.Engine.Kernels;

/// <summary>
/// Direct depthwise convolution (group = channels; output channel o reads input channel
/// o / multiplier). Each output row is built from KH·KW shifted SIMD multiply-adds of input rows,
/// so nothing is lowered: the KH·KW-fold im2col copy would cost more than the arithmetic. Stride-1
/// planes run in a padded frame (<see cref="DepthwisePlane"/>), one long multiply-add per tap.
/// </summary>
public static unsafe class DepthwiseConvolution
{
    /// <summary>y = clamp(depthwise(x, w) + bias) over all images; w is [OutChannels, 1, KH, KW].</summary>
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, float[]? bias, Span<float> y, GemmEpilogue activation, ParallelOptions? parallel)
    {
        int planes = g.Batch * g.OutChannels, multiplier = g.OutChannels / g.Channels, taps = g.KernelHeight * g.KernelWidth;
        fixed (float* px = x)
        fixed (float* pw = w)
        fixed (float* py = y)
        {
            float* xs = px, ws = pw, ys = py;
            ForPlanes(planes, (long)g.OutPlane * taps, parallel, plane =>
            {
                int image = plane / g.OutChannels, o = plane % g.OutChannels;
                var src = new ReadOnlySpan<float>(xs + ((long)image * g.Channels + o / multiplier) * g.InPlane, g.InPlane);
                var dst = new Span<float>(ys + (long)plane * g.OutPlane, g.OutPlane);
                float b = bias is null ? 0f : bias[o];
                if (Framed(g))
                    DepthwisePlane.ForwardFramed(g, src, ws + (long)o * taps, b, dst, activation);
                else
                    ForwardPlane(g, src, new ReadOnlySpan<float>(ws + (long)o * taps, taps), b, dst, activation);
            });
        }
    }

    /// <summary>dx for <paramref name="images"/> gradient rows: each input plane gathers its multiplier output planes.</summary>
    public static void BackwardData(ConvGeometry g, int images, ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, ParallelOptions? parallel)
    {
        int multiplier = g.OutChannels / g.Channels, taps = g.KernelHeight * g.KernelWidth;
        fixed (float* pdy = dy)
        fixed (float* pw = w)
        fixed (float* pdx = dx)
        {
            float* dys = pdy, ws = pw, dxs = pdx;
            ForPlanes(images * g.Channels, (long)g.OutPlane * taps * multiplier, parallel, plane =>
            {
                int image = plane / g.Channels, c = plane % g.Channels;
                var target = new Span<float>(dxs + (long)plane * g.InPlane, g.InPlane);
                if (Framed(g))
                {
                    DepthwisePlane.BackwardFramed(g, new ReadOnlySpan<float>(dys + ((long)image * g.OutChannels + c * multiplier) * g.OutPlane, multiplier * g.OutPlane),
                        ws + (long)c * multiplier * taps, multiplier, target);
                    return;
                }
                target.Clear();
                for (int m = 0; m < multiplier; m++)
                {
                    int o = c * multiplier + m;
                    var grad = new ReadOnlySpan<float>(dys + ((long)image * g.OutChannels + o) * g.OutPlane, g.OutPlane);
                    BackwardPlane(g, grad, new ReadOnlySpan<float>(ws + (long)o * taps, taps), target);
                }
            });
        }
    }

    private static bool Framed(ConvGeometry g) => g.StrideHeight == 1 && g.StrideWidth == 1;

    internal static void Clamp(Span<float> row, GemmEpilogue activation)
    {
        TensorPrimitives.Max(row, activation.Min, row);
        TensorPrimitives.Min(row, activation.Max, row);
    }

    private static void ForwardPlane(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, float bias, Span<float> y, GemmEpilogue activation)
    {
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            var row = y.Slice(oh * g.OutWidth, g.OutWidth);
            row.Fill(bias);
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                if ((uint)ih >= (uint)g.Height)
                    continue;
                var line = x.Slice(ih * g.Width, g.Width);
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    var (lo, hi, iw0) = Im2Col.ValidColumns(g, kw);
                    float weight = w[kh * g.KernelWidth + kw];
                    if (lo >= hi)
                        continue;
                    if (g.StrideWidth == 1)
                        TensorPrimitives.MultiplyAdd(line.Slice(lo + iw0, hi - lo), weight, row[lo..hi], row[lo..hi]);
                    else
                        for (int ow = lo; ow < hi; ow++)
                            row[ow] += weight * line[ow * g.StrideWidth + iw0];
                }
            }
            if (activation.Clamp)
                Clamp(row, activation);
        }
    }

    /// <summary>The adjoint of <see cref="ForwardPlane"/>: dx[ih, iw] += w·dy[oh, ow] for every tap.</summary>
    private static void BackwardPlane(ConvGeometry g, ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx)
    {
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            var row = dy.Slice(oh * g.OutWidth, g.OutWidth);
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                if ((uint)ih >= (uint)g.Height)
                    continue;
                var line = dx.Slice(ih * g.Width, g.Width);
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    var (lo, hi, iw0) = Im2Col.ValidColumns(g, kw);
                    float weight = w[kh * g.KernelWidth + kw];
                    if (lo >= hi)
                        continue;
                    if (g.StrideWidth == 1)
                    {
                        var target = line.Slice(lo + iw0, hi - lo);
                        TensorPrimitives.MultiplyAdd(row[lo..hi], weight, target, target);
                    }
                    else
                    {
                        for (int ow = lo; ow < hi; ow++)
                            line[ow * g.StrideWidth + iw0] += weight * row[ow];
                    }
                }
            }
        }
    }

    private static void ForPlanes(int planes, long workPerPlane, ParallelOptions? parallel, Action<int> body)
    {
        if (parallel is null || planes * workPerPlane < 1 << 16)
            for (int plane = 0; plane < planes; plane++)
                body(plane);
        else
            Parallel.For(0, planes, parallel, body);
    }
}
